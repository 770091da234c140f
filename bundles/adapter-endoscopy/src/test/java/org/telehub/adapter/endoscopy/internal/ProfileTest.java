package org.telehub.adapter.endoscopy.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.telehub.endoscopy.EndoscopyProfile;
import org.telehub.integration.api.LiveVideo;

/** Profiles and settings: the generic metatype tells the truth about the defaults, and bad values are named. */
class ProfileTest {

    @Test
    void theGenericFormShowsEverySettingWithItsDefaultAndChecksIt() {
        assertEquals(EndoscopyProfile.settings(), Fields.ALL.stream().map(Fields.Field::id).sorted(
                java.util.Comparator.comparing(EndoscopyProfile.settings()::indexOf)).toList());
        assertEquals(EndoscopyProfile.settings().size(), Fields.ALL.size());
        ObjectClassDefinition form = new GenericForm().getObjectClassDefinition("org.telehub.adapter.endoscopy",
                null);
        assertEquals("Telehub endoscopy system (generic)", form.getName());
        Map<String, AttributeDefinition> shown = new LinkedHashMap<>();
        for (AttributeDefinition a : form.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            shown.put(a.getID(), a);
        }
        Map<String, Object> defaults = EndoscopyProfile.GENERIC.defaults();
        for (String s : EndoscopyProfile.settings()) {
            Object d = defaults.get(s);
            String[] expected = d == null ? null : d instanceof String[] a ? (a.length == 0 ? null : a)
                    : new String[] {String.valueOf(d)};
            assertArrayEquals(expected, shown.get(s).getDefaultValue(), s);
        }
        assertEquals(List.of("id", "worklistHost", "worklistAe"), Arrays.stream(form.getAttributeDefinitions(
                ObjectClassDefinition.REQUIRED)).map(AttributeDefinition::getID).toList());
        assertEquals(AttributeDefinition.INTEGER, shown.get("storagePort").getType());
        assertEquals(Integer.MAX_VALUE, shown.get("senders").getCardinality(), "a list");
        assertEquals(List.of("SR", "SC", "SR,SC"), List.of(shown.get("analysisObjects").getOptionValues()));
        assertEquals("", shown.get("worklistPort").validate("11112"));
        assertEquals("worklistPort: from 1 to 65535", shown.get("worklistPort").validate("0"));
        assertEquals("worklistPort: a whole number (got '1o4')", shown.get("worklistPort").validate("1o4"));
        assertEquals("id is required", shown.get("id").validate(" "));
        assertEquals("analysisObjects: one of [SR, SC, SR,SC]", shown.get("analysisObjects").validate("PDF"));
    }

    @Test
    void configurationFilesGiveTextWhichIsReadAsEachSettingsType() {
        Settings s = Settings.of(Settings.GENERIC, Map.of("id", "endo-1", "worklistHost", "ris", "worklistAe", "RIS",
                "worklistPort", " 11112 ", "storagePort", "", "senders", "EVISX1@10.0.0.2, ENDOBASE@10.0.0.3",
                "service.pid", "org.telehub.adapter.endoscopy.1234"));
        assertEquals(11112, s.worklistPort());
        assertEquals(0, s.storagePort(), "blank: the default");
        assertArrayEquals(new String[] {"EVISX1@10.0.0.2, ENDOBASE@10.0.0.3"}, s.senders());
        assertEquals("ISO_IR 192", s.characterSet());
        Settings fromDs = Settings.of(Settings.GENERIC, Map.of("id", "endo-1", "worklistHost", "ris", "worklistAe",
                "RIS", "worklistPort", 104L, "senders", List.of("A@h", "B@h")));
        assertEquals(104, fromDs.worklistPort());
        assertArrayEquals(new String[] {"A@h", "B@h"}, fromDs.senders());

        assertEquals("worklistHost is required", assertThrows(IllegalArgumentException.class,
                () -> Settings.of(Settings.GENERIC, Map.of("id", "endo-1", "worklistAe", "RIS"))).getMessage());
        assertEquals("worklistPort: a whole number (got 'one-o-four')", assertThrows(IllegalArgumentException.class,
                () -> Settings.of(Settings.GENERIC, Map.of("id", "e", "worklistHost", "ris", "worklistAe", "RIS",
                        "worklistPort", "one-o-four"))).getMessage());
        assertEquals("modality: one value (got several)", assertThrows(IllegalArgumentException.class,
                () -> Settings.of(Settings.GENERIC, Map.of("id", "e", "worklistHost", "ris", "worklistAe", "RIS",
                        "modality", new String[] {"ES", "CT"}))).getMessage());
    }

    @Test
    void aProfileChangesDefaultsOnlyWithTheirSource() {
        EndoscopyProfile p = EndoscopyProfile.GENERIC.named("acme")
                .with("storageClasses", "VL_ENDOSCOPIC,SECONDARY_CAPTURE", "https://example.org/cs.pdf section 3")
                .with("worklistPort", "4006", "assumed: the vendor's example");
        assertEquals("acme", p.name());
        assertEquals(4006, p.defaults().get("worklistPort"));
        assertEquals(List.of("storageClasses", "worklistPort"), p.differences().stream()
                .map(EndoscopyProfile.Difference::setting).toList());
        assertEquals(104, p.differences().get(1).generic());
        assertEquals(104, EndoscopyProfile.GENERIC.defaults().get("worklistPort"), "the generic profile unchanged");

        assertTrue(assertThrows(IllegalArgumentException.class, () -> p.with("charset", "ISO_IR 100", "assumed"))
                .getMessage().startsWith("no setting 'charset'"));
        assertEquals("modality: ES is the generic default already", assertThrows(IllegalArgumentException.class,
                () -> p.with("modality", "ES", "assumed")).getMessage());
        assertEquals("modality: a default needs its value and its source", assertThrows(
                IllegalArgumentException.class, () -> p.with("modality", "XC", " ")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.named("Acme Corp"));
    }

    @Test
    void storageClassesAreNamedOnesOnly() {
        assertEquals(List.of(Images.VL_ENDOSCOPIC_IMAGE, Images.SECONDARY_CAPTURE),
                List.copyOf(Images.classes("vl_endoscopic, SECONDARY_CAPTURE").keySet()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Images.classes("VL_ENDOSCOPIC,CT"))
                .getMessage().startsWith("storageClasses: each of [SECONDARY_CAPTURE, VIDEO_ENDOSCOPIC, VL_ENDOSCOPIC, "
                        + "VL_PHOTOGRAPHIC] (got 'CT')"));
        assertEquals("storageClasses: at least one, e.g. VL_ENDOSCOPIC", assertThrows(IllegalArgumentException.class,
                () -> Images.classes(" ")).getMessage());
    }

    @Test
    void aLivePictureIsAnRtspStreamOrACaptureDeviceWithItsSizeAndRate() {
        Map<String, Object> c = new java.util.HashMap<>(Map.of("id", "scope-1", "worklistHost", "127.0.0.1",
                "worklistAe", "WL"));
        assertNull(EndoscopyAdapter.live(Settings.of(Settings.GENERIC, c)), "none by default");
        c.put("videoSource", "rtsp://10.0.5.21:8554/scope");
        c.put("videoSize", "640 x 360");
        c.put("videoFps", "25");
        assertEquals(new LiveVideo("rtsp://10.0.5.21:8554/scope", 640, 360, 25),
                EndoscopyAdapter.live(Settings.of(Settings.GENERIC, c)));
        c.put("videoSource", "/dev/video0");
        assertEquals("/dev/video0", EndoscopyAdapter.live(Settings.of(Settings.GENERIC, c)).url());
        for (String bad : new String[] {"/dev/sda", "file:///etc/passwd", "rtsp://nurse:secret@10.0.5.21/scope",
            "rtsp://host/a b"}) {
            c.put("videoSource", bad);
            String why = assertThrows(IllegalArgumentException.class,
                    () -> EndoscopyAdapter.live(Settings.of(Settings.GENERIC, c))).getMessage();
            assertTrue(why.startsWith("videoSource/videoSize/videoFps: url:"), why);
            assertFalse(why.contains("secret"), "a password in a URL is not repeated: " + why);
        }
        c.put("videoSource", "/dev/video0");
        c.put("videoSize", "big");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EndoscopyAdapter.live(Settings.of(
                Settings.GENERIC, c))).getMessage().startsWith("videoSize:"));
        c.put("videoSize", "641x360");
        c.put("videoFps", "90");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EndoscopyAdapter.live(Settings.of(
                Settings.GENERIC, c))).getMessage().contains("size: even numbers"));
    }
}
