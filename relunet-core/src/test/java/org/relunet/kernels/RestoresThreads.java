package org.relunet.kernels;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(RestoresThreads.class)}: a test may call {@link Parallel#setThreads} freely; the
 * thread count it found is put back after each test, so no test leaks its count into the next.
 */
public final class RestoresThreads implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RestoresThreads.class);

    @Override public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("threads", Parallel.threads());
    }

    @Override public void afterEach(ExtensionContext context) {
        Parallel.setThreads(context.getStore(NS).get("threads", Integer.class));
    }
}
