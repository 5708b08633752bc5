package dev.pilotlight.api.model;

public record ConfigurationSpec(RevisionTemplate template) {}
