package org.telehub.testing.vendors;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * A component property type (an annotation interface, as Declarative Services hands it to an activator) with the
 * given values and the annotation's defaults for the rest, as Config Admin would build it from a {@code .cfg} file.
 */
public final class Configs {
    private Configs() {
    }

    public static <A extends Annotation> A of(Class<A> type, Map<String, ?> values) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            String name = method.getName();
            if (name.equals("annotationType")) {
                return type;
            }
            if (name.equals("toString")) {
                return type.getSimpleName() + values.keySet();
            }
            if (name.equals("hashCode")) {
                return System.identityHashCode(self);
            }
            if (name.equals("equals")) {
                return self == args[0];
            }
            Object v = values.get(name);
            if (v == null) {
                v = method.getDefaultValue();
            }
            if (v == null) {
                throw new IllegalStateException(type.getSimpleName() + "." + name + " has no value and no default");
            }
            return v;
        });
        return type.cast(proxy);
    }
}
