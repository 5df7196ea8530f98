package dev.providersettings.postgres;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a DataSource and counts statement executions (every {@code execute*} call on a statement, a JDBC batch
 * counting once: it is one round trip). Counts what the store sends, without any server-side extension.
 */
final class CountingDataSource extends ForwardingDataSource {
    private final AtomicInteger executions = new AtomicInteger();
    private final java.util.List<String> statements = new java.util.concurrent.CopyOnWriteArrayList<>();

    CountingDataSource(DataSource delegate) {
        super(delegate);
    }

    int executions() {
        return executions.get();
    }

    void reset() {
        executions.set(0);
    }

    /** The SQL of every statement prepared through this data source, in order. */
    java.util.List<String> statements() {
        return statements;
    }

    private Connection wrap(Connection connection) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().startsWith("prepare") && args != null && args[0] instanceof String sql) {
                statements.add(sql);
            }
            Object result = invoke(connection, method, args);
            if (result instanceof Statement statement) {
                return wrapStatement(statement);
            }
            return result;
        };
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class}, handler);
    }

    private Object wrapStatement(Statement statement) {
        Class<?>[] interfaces = statement instanceof java.sql.CallableStatement
                ? new Class<?>[]{java.sql.CallableStatement.class}
                : statement instanceof java.sql.PreparedStatement
                ? new Class<?>[]{java.sql.PreparedStatement.class}
                : new Class<?>[]{Statement.class};
        return Proxy.newProxyInstance(getClass().getClassLoader(), interfaces, (proxy, method, args) -> {
            if (method.getName().startsWith("execute")) {
                executions.incrementAndGet();
            }
            return invoke(statement, method, args);
        });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public Connection getConnection() throws java.sql.SQLException {
        return wrap(super.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws java.sql.SQLException {
        return wrap(super.getConnection(username, password));
    }
}
