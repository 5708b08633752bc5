/** Validation with precise messages: the field, the value and the rule. */
package dev.pilotlight.api.validation;
