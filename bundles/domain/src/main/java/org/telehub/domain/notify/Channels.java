package org.telehub.domain.notify;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One notification through every channel, each at most once across retries: a channel the sender recorded as having
 * sent it ({@code sent}) is skipped, one that sends it now is recorded ({@code record}) before the next is tried, so
 * a retry after one channel failed does not send it again on another.
 *
 * @since 1.1
 */
public final class Channels {
    private Channels() {
    }

    /** @return each failed channel's "name: reason", empty when every channel sent it or had no way to */
    public static List<String> sendOnce(Collection<NotificationChannel> channels, Notification n,
            Predicate<String> sent, Consumer<String> record) {
        List<String> errors = new ArrayList<>();
        for (NotificationChannel c : channels) {
            if (sent.test(c.name())) {
                continue;
            }
            try {
                if (c.send(n)) {
                    record.accept(c.name());
                }
            } catch (Exception e) {
                errors.add(c.name() + ": " + e.getMessage());
            }
        }
        return errors;
    }
}
