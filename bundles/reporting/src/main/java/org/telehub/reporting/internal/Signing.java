package org.telehub.reporting.internal;

import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.directory.Directory;
import org.telehub.domain.ForbiddenException;
import org.telehub.reporting.internal.sign.SigningKeys;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/**
 * The signing keys as people see them: the clinic CA's certificates (anyone: a verifier needs them), a doctor's own
 * signing certificate, and a doctor importing one of their own (PKCS#12 from a CA of their choosing), which signs
 * their next reports. Never a private key out.
 */
@Component(service = Signing.class)
public class Signing {
    /** {@code source}: clinic-ca or imported; null fields when the doctor has signed nothing yet. */
    public record Certificate(String source, String subject, Instant notAfter) {
    }

    private final SigningKeys keys;
    private final Directory directory;
    private final AuditLog audit;

    @Activate
    public Signing(@Reference ReportsImpl reports, @Reference Directory directory, @Reference AuditLog audit) {
        this.keys = reports.keys();
        this.directory = directory;
        this.audit = audit;
    }

    public String authorityPem() {
        try {
            return keys.authorityPem();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The clinic's signing CA cannot be read: " + e.getMessage(), e);
        }
    }

    private String doctorId(AuthenticatedUser caller) {
        if (caller == null || !caller.hasRole(Roles.DOCTOR)) {
            throw new ForbiddenException("Signing certificates are doctors'");
        }
        return directory.ownProfile(caller).doctorId();
    }

    public Certificate certificate(AuthenticatedUser caller) {
        return keys.active(doctorId(caller)).map(i -> new Certificate(i.source(), i.subject(), i.notAfter()))
                .orElse(new Certificate(null, null, null));
    }

    public Certificate importCertificate(AuthenticatedUser caller, byte[] pkcs12, char[] password) {
        String doctor = doctorId(caller);
        try {
            SigningKeys.Info i = keys.importPkcs12(doctor, pkcs12, password);
            audit.record(caller, "report.signing-certificate.import", null, List.of(), "ok: " + i.subject());
            return new Certificate(i.source(), i.subject(), i.notAfter());
        } catch (RuntimeException e) {
            audit.record(caller, "report.signing-certificate.import", null, List.of(), "refused: "
                    + e.getClass().getSimpleName());
            throw e;
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
