package dev.providersettings.benchmarks;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wraps a {@link DataSource} and counts the SQL statements executed through it (every {@code execute*} call on a
 * statement), to prove that a cold resolve is one statement. Counting costs a few nanoseconds per call.
 */
final class CountingDataSource {
    private final LongAdder statements = new LongAdder();
    private final DataSource counted;

    CountingDataSource(DataSource delegate) {
        this.counted = proxy(DataSource.class, delegate);
    }

    DataSource dataSource() {
        return counted;
    }

    long statements() {
        return statements.sum();
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, T target) {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (name.startsWith("execute")) {
                statements.increment();
            }
            Object result = invoke(method, target, args);
            if (result instanceof CallableStatement cs && !(result instanceof Proxy)) {
                return proxy(CallableStatement.class, cs);
            }
            if (result instanceof PreparedStatement ps && !(result instanceof Proxy)) {
                return proxy(PreparedStatement.class, ps);
            }
            if (result instanceof Statement st && !(result instanceof Proxy) && method.getReturnType() == Statement.class) {
                return proxy(Statement.class, st);
            }
            if (result instanceof Connection c && method.getReturnType() == Connection.class && !(result instanceof Proxy)) {
                return proxy(Connection.class, c);
            }
            return result;
        };
        return (T) Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), new Class<?>[]{type}, handler);
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
