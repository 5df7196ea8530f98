package dev.providersettings.reliability;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Row-by-row dumps of tables, to prove that a rejected call changed nothing (before == after). */
final class Snapshots {
    private Snapshots() {
    }

    /** Every row of every table that exists among {@code tables} in {@code schema}, ordered by all columns. */
    static Map<String, List<String>> take(DataSource dataSource, String schema, List<String> tables) {
        Map<String, List<String>> snapshot = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String table : tables) {
                String qualified = schema + "." + table;
                try (ResultSet exists = s.executeQuery("SELECT to_regclass('" + qualified + "') IS NOT NULL")) {
                    exists.next();
                    if (!exists.getBoolean(1)) {
                        continue;
                    }
                }
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + qualified)) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            Object value = rs.getObject(i);
                            row.append(meta.getColumnName(i)).append('=')
                                    .append(value instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : value)
                                    .append(';');
                        }
                        rows.add(row.toString());
                    }
                }
                rows.sort(null);
                snapshot.put(table, rows);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("snapshot of " + tables + " failed", e);
        }
        return snapshot;
    }
}
