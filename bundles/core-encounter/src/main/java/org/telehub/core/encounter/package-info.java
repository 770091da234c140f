/**
 * What other bundles use of encounters, free of HTTP so that REST resources, WebSocket handlers, HL7 v2 listeners
 * and shell commands (chat, video, reports next) share one set of rules: {@link
 * org.telehub.core.encounter.EncounterService} (booking, rescheduling, the lifecycle, notes, views),
 * {@link org.telehub.core.encounter.ScheduleService} (working hours, free slots) and {@link
 * org.telehub.core.encounter.PeopleService} (doctors, patients). Each takes the caller as an
 * {@code AuthenticatedUser}, decides what they may do and see itself, and fails with the exceptions of {@code
 * org.telehub.domain}. Also the {@link org.telehub.domain.notify.NotificationChannel} SPI (email and SMS channels
 * register one each) and {@link org.telehub.core.encounter.JoinTokens}, which checks the signed join links the media
 * bundle is given.
 *
 * <p>1.1: the three services and their records. 1.2: {@link org.telehub.core.encounter.CareService} (care teams,
 * break-glass) and {@code PeopleService.findPatients}. 1.3: break-glass re-confirmed by a second factor.
 * 2.0: the notification channels moved to {@code org.telehub.domain.notify}, where the security bundle reaches them.
 * 2.1: {@code EncounterService.visible}. 2.2: {@code EncounterService.states} and {@link
 * org.telehub.core.encounter.VisitContacts}, how the hub's own
 * senders (chat's unread notices) reach a visit's patient and doctor. 2.3: {@code EncounterService.seat}, the caller's
 * place in a visit's video room. 2.4: the seat says whether the visit is to be recorded. 2.5: working hours, extra hours, free slots and visits
 * at a clinic, and {@link org.telehub.core.encounter.Workplaces}, which the clinic directory registers to say who
 * works where. 2.6: {@link org.telehub.core.encounter.PatientRegister}, the register as external systems of record
 * (HL7 v2 ADT) feed it. 2.7: {@link org.telehub.core.encounter.ExternalBookings}, visits an external scheduler books
 * (HL7 v2 SIU).
 */
@Version("2.7.0")
package org.telehub.core.encounter;

import org.osgi.annotation.versioning.Version;
