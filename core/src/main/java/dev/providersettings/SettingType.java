package dev.providersettings;

/** The type of a declared setting; it decides which Java type holds the value and how it is stored. */
public enum SettingType {
    /** A {@link String}. */
    TEXT(String.class),
    /** A {@link Long}. */
    INTEGER(Long.class),
    /** A {@link Boolean}. */
    BOOLEAN(Boolean.class),
    /** A JSON document, held as its text ({@link String}); it must parse as JSON. */
    JSON(String.class),
    /** A {@link Secret}; stored only encrypted. */
    SECRET(Secret.class);

    private final Class<?> javaType;

    SettingType(Class<?> javaType) {
        this.javaType = javaType;
    }

    /** The Java type of values of this setting type. */
    public Class<?> javaType() {
        return javaType;
    }

    /** The lower-case name used in messages and in stores ({@code text}, {@code secret}, ...). */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
