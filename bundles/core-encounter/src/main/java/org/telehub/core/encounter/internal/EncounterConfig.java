package org.telehub.core.encounter.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(name = "Telehub encounters", description = "Visit lifecycle, booking limits, join links and "
        + "reminders.")
public @interface EncounterConfig {
    @AttributeDefinition(name = "Start early (minutes)", description = "How long before its scheduled time a visit "
            + "may be started", min = "0", max = "240")
    int startEarlyMinutes() default 10;

    @AttributeDefinition(name = "No-show after (minutes)", description = "Minutes after a visit's scheduled end from "
            + "which it may be marked as a no-show if it never started", min = "0", max = "1440")
    int noShowAfterMinutes() default 15;

    @AttributeDefinition(name = "Shortest visit (minutes)", min = "1", max = "240")
    int minDurationMinutes() default 5;

    @AttributeDefinition(name = "Longest visit (minutes)", min = "5", max = "1440")
    int maxDurationMinutes() default 480;

    @AttributeDefinition(name = "Booking horizon (days)", description = "How far ahead a visit may be booked",
            min = "1", max = "3650")
    int horizonDays() default 365;

    @AttributeDefinition(name = "Reminder offsets", description = "ISO-8601 durations before the start at which "
            + "the patient and the doctor are reminded, e.g. PT24H, PT15M. A reminder already due at booking is not "
            + "sent.")
    String[] reminderOffsets() default {"PT24H", "PT15M"};

    @AttributeDefinition(name = "Reminder language", description = "Language of reminder texts (en, fa, ru); times are"
            + " in each recipient's time zone. Hub-wide until people have a language of their own.", options = {
                @Option(label = "English", value = "en"), @Option(label = "فارسی", value = "fa"),
                @Option(label = "Русский", value = "ru")})
    String reminderLanguage() default "en";

    @AttributeDefinition(name = "Join link grace (minutes)", description = "Join links stop working this long after "
            + "the visit's scheduled end", min = "0", max = "1440")
    int joinGraceMinutes() default 30;

    @AttributeDefinition(name = "Public base URL", description = "Where people reach the web UI; join links are "
            + "<base>/join/<room>?token=...")
    String publicBaseUrl() default "https://localhost:8443";

    @AttributeDefinition(name = "Webhook attempts", description = "Attempts per webhook event before it is dead",
            min = "1", max = "100")
    int webhookMaxAttempts() default 12;

    @AttributeDefinition(name = "Webhook first backoff (ms)", min = "100")
    long webhookBaseBackoffMillis() default 2000;

    @AttributeDefinition(name = "Webhook longest backoff (ms)", min = "1000")
    long webhookMaxBackoffMillis() default 600_000;

    @AttributeDefinition(name = "Webhook timeout (ms)", description = "Connect + response time allowed to a portal",
            min = "500")
    long webhookTimeoutMillis() default 10_000;

    @AttributeDefinition(name = "Consumers", description = "Concurrent webhook and encounter-event workers per topic on this node (the durable work service runs them)",
            min = "1", max = "32")
    int consumers() default 4;

    @AttributeDefinition(name = "Break-glass (minutes)", description = "How long a clinician's break-glass access "
            + "to a patient outside their care relationships lasts; every use is audited with its reason",
            min = "1", max = "1440")
    int breakGlassMinutes() default 60;

    @AttributeDefinition(name = "Access codes: wrong per address", description = "Wrong access codes one client "
            + "address may try within the window before every attempt from it is refused (429)", min = "1")
    int codeFailuresPerAddress() default 10;

    @AttributeDefinition(name = "Access codes: wrong per hub", description = "Wrong access codes from all addresses "
            + "together within the window before every attempt is refused (429): a guesser with many addresses",
            min = "1")
    int codeFailuresPerHub() default 500;

    @AttributeDefinition(name = "Access codes: window (minutes)", min = "1", max = "1440")
    int codeWindowMinutes() default 15;

    @AttributeDefinition(name = "Access codes: guests per visit", description = "Guests who may join one visit by "
            + "its access code (a code passed on cannot fill a visit)", min = "1")
    int codeJoinsPerVisit() default 20;
}
