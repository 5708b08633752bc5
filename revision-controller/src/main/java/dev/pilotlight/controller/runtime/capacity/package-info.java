/**
 * Capacity, as a node has it: the node's allocatable CPU and memory, what each instance requests,
 * and the admission of instances that fit ({@link
 * dev.pilotlight.controller.runtime.capacity.NodeCapacity}), with Kubernetes' semantics (requests
 * against allocatable; an instance that does not fit stays Pending, {@code Unschedulable}). Pure
 * (no processes, no clock), except {@code CapacitySettings.machine()}, which reads this machine's
 * size.
 */
package dev.pilotlight.controller.runtime.capacity;
