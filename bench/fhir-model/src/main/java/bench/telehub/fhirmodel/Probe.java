package bench.telehub.fhirmodel;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Runs once at bundle start, on its own thread (the framework's start is not held up): times HAPI FHIR's R4 model,
 * JSON parser and validator inside one bundle that embeds them privately, and writes key=value lines to
 * ${karaf.data}/fhir-probe.txt (and the console). Mode from etc/fhir-probe.properties (mode=model|validate|full):
 * model = FhirContext + parse/encode; validate = + first validation; full = + warm loops (throughput).
 * What it built stays referenced until stop, as a shared model bundle would keep it.
 */
public class Probe implements BundleActivator {
  static volatile Object keep;
  private Thread thread;
  private final List<String> out = new ArrayList<>();

  @Override
  public void start(BundleContext bc) throws Exception {
    Properties cfg = new Properties();
    Path cfgFile = Path.of(System.getProperty("karaf.etc", "etc"), "fhir-probe.properties");
    if (Files.exists(cfgFile)) {
      try (InputStream in = Files.newInputStream(cfgFile)) { cfg.load(in); }
    }
    String mode = cfg.getProperty("mode", "full");
    Path result = Path.of(System.getProperty("karaf.data", "data"), "fhir-probe.txt");
    thread = new Thread(() -> run(mode, result), "fhir-model-probe");
    // ServiceLoader (HAPI's cache provider lookup, ca.uhn.fhir.sl.cache) and resource lookups go through the TCCL
    thread.setContextClassLoader(Probe.class.getClassLoader());
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void stop(BundleContext bc) throws Exception {
    if (thread != null) thread.interrupt();
    keep = null;
  }

  private void put(String k, Object v) {
    out.add(k + "=" + v);
    System.out.println("fhir-probe " + k + "=" + v);
  }

  private static double ms(long t0) { return (System.nanoTime() - t0) / 1e6; }

  private static long rssMb() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
      }
    } catch (IOException e) { /* not Linux */ }
    return -1;
  }

  private static long heapMb() {
    Runtime r = Runtime.getRuntime();
    return (r.totalMemory() - r.freeMemory()) >> 20;
  }

  private static String sample(String name) throws IOException {
    try (InputStream in = Probe.class.getResourceAsStream("/samples/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private void run(String mode, Path result) {
    List<Object> held = new ArrayList<>();
    try {
      put("mode", mode);
      put("t_start_epoch_ms", System.currentTimeMillis());
      put("rss_mb_before", rssMb());
      String obsJson = sample("observation.json"), drJson = sample("diagnosticreport.json");

      long t = System.nanoTime();
      FhirContext ctx = FhirContext.forR4();
      put("fhircontext_forR4_ms", String.format("%.1f", ms(t)));
      held.add(ctx);

      t = System.nanoTime();
      IParser parser = ctx.newJsonParser();
      IBaseResource obs = parser.parseResource(obsJson);
      String obsOut = parser.encodeResourceToString(obs);
      put("first_parse_encode_observation_ms", String.format("%.1f", ms(t)));
      t = System.nanoTime();
      IBaseResource dr = parser.parseResource(drJson);
      String drOut = parser.encodeResourceToString(dr);
      put("first_parse_encode_diagnosticreport_ms", String.format("%.1f", ms(t)));
      put("roundtrip_sizes", obsJson.length() + "->" + obsOut.length() + "," + drJson.length() + "->" + drOut.length());

      int n = "model".equals(mode) ? 200 : 5000;
      for (int i = 0; i < n; i++) { parser.parseResource(obsJson); parser.encodeResourceToString(parser.parseResource(drJson)); }
      t = System.nanoTime();
      for (int i = 0; i < n; i++) parser.encodeResourceToString(parser.parseResource(obsJson));
      put("warm_parse_encode_observation_us", String.format("%.1f", ms(t) * 1000 / n));
      t = System.nanoTime();
      for (int i = 0; i < n; i++) parser.encodeResourceToString(parser.parseResource(drJson));
      put("warm_parse_encode_diagnosticreport_us", String.format("%.1f", ms(t) * 1000 / n));
      put("rss_mb_after_model", rssMb());

      if (!"model".equals(mode)) {
        t = System.nanoTime();
        ValidationSupportChain chain = new ValidationSupportChain(
            new DefaultProfileValidationSupport(ctx),
            new InMemoryTerminologyServerValidationSupport(ctx),
            new CommonCodeSystemsTerminologyService(ctx));
        FhirValidator validator = ctx.newValidator();
        validator.registerValidatorModule(new FhirInstanceValidator(chain));
        put("validator_setup_ms", String.format("%.1f", ms(t)));
        held.add(validator);
        t = System.nanoTime();
        ValidationResult vr = validator.validateWithResult(obs);
        put("first_validation_ms", String.format("%.1f", ms(t)));
        put("first_validation_issues", summary(vr));
        put("rss_mb_after_first_validation", rssMb());
        put("heap_used_mb_after_first_validation", heapMb());
        t = System.nanoTime();
        ValidationResult vr2 = validator.validateWithResult(dr);
        put("first_validation_diagnosticreport_ms", String.format("%.1f", ms(t)));
        put("first_validation_diagnosticreport_issues", summary(vr2));

        if ("full".equals(mode)) {
          for (long end = System.nanoTime() + 3_000_000_000L; System.nanoTime() < end; ) validator.validateWithResult(obs);
          int count = 0;
          t = System.nanoTime();
          for (long end = t + 5_000_000_000L; System.nanoTime() < end; count++) validator.validateWithResult(obs);
          put("warm_validations_per_s_observation", String.format("%.0f", count / (ms(t) / 1000)));
          count = 0;
          t = System.nanoTime();
          for (long end = t + 5_000_000_000L; System.nanoTime() < end; count++) validator.validateWithResult(dr);
          put("warm_validations_per_s_diagnosticreport", String.format("%.0f", count / (ms(t) / 1000)));
          put("rss_mb_after_warm", rssMb());
        }
      }
      System.gc();
      put("heap_used_mb_after_gc", heapMb());
      keep = held;
      put("t_done_epoch_ms", System.currentTimeMillis());
      put("status", "ok");
    } catch (Throwable e) {
      put("status", "FAILED " + e);
      e.printStackTrace(System.out);
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) put("cause", c.toString());
    }
    try {
      Files.write(result, out);
    } catch (IOException e) {
      e.printStackTrace();
    }
  }

  private static String summary(ValidationResult vr) {
    int err = 0, warn = 0, info = 0;
    StringBuilder first = new StringBuilder();
    for (SingleValidationMessage m : vr.getMessages()) {
      if (m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL) {
        err++;
        if (first.length() == 0) first.append(" first error: ").append(m.getLocationString()).append(" ").append(m.getMessage());
      } else if (m.getSeverity() == ResultSeverityEnum.WARNING) warn++;
      else info++;
    }
    return err + " errors, " + warn + " warnings, " + info + " info" + first;
  }
}
