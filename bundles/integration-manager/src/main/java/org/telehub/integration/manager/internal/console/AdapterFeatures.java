package org.telehub.integration.manager.internal.console;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;

import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.domain.InvalidException;

/**
 * The adapter features the web console may install and uninstall: only {@code telehub-adapter-*} features of
 * Telehub's own features repository (shipped in the distribution's {@code system/}), never an arbitrary feature.
 * A component of its own so that the console runs (without this section) where Karaf's FeaturesService is absent:
 * its package is an optional import, and this class is only loaded once the service is there.
 */
@Component(service = AdapterFeatures.class)
public class AdapterFeatures {
    static final String PREFIX = "telehub-adapter-";
    /** Telehub's features repository, {@code mvn:org.telehub/telehub-features/<version>/xml/features}. */
    static final String REPOSITORY = "mvn:org.telehub/";

    private final FeaturesService features;

    @Activate
    public AdapterFeatures(@Reference FeaturesService features) {
        this.features = features;
    }

    /** One adapter feature and whether it is installed. */
    public record Entry(String name, String version, String description, boolean installed) {
    }

    public List<Entry> list() throws Exception {
        List<Entry> out = new ArrayList<>();
        for (Feature f : features.listFeatures()) {
            if (allowed(f)) {
                out.add(new Entry(f.getName(), f.getVersion(), f.getDescription(), features.isInstalled(f)));
            }
        }
        out.sort(Comparator.comparing(Entry::name).thenComparing(Entry::version));
        return out;
    }

    private static boolean allowed(Feature f) {
        return f.getName().startsWith(PREFIX) && f.getRepositoryUrl() != null
                && f.getRepositoryUrl().startsWith(REPOSITORY);
    }

    private Entry known(String name) throws Exception {
        return list().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow(() -> new InvalidException(
                "feature", "Not one of Telehub's adapter features (" + PREFIX + "*)"));
    }

    /** Installs the adapter feature, with Karaf's default options (as {@code feature:install} does). */
    public void install(String name) throws Exception {
        Entry e = known(name);
        features.installFeature(e.name(), e.version(), EnumSet.noneOf(FeaturesService.Option.class));
    }

    public void uninstall(String name) throws Exception {
        Entry e = known(name);
        if (!e.installed()) {
            throw new InvalidException("feature", name + " is not installed");
        }
        features.uninstallFeature(e.name(), e.version(), EnumSet.noneOf(FeaturesService.Option.class));
    }
}
