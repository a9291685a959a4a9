package dev.ferry.cdc;

/** STUB. */
public record FieldType(String type, String name) {}
