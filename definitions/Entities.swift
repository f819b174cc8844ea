public import Larder

/// A driver of the rides platform.
public let driver = Entity(
    "driver", joinKey: "driver_id", type: .int64,
    description: "A driver of the rides platform", owner: "ml-platform")

/// A customer who books rides.
public let customer = Entity(
    "customer", joinKey: "customer_id", type: .int64,
    description: "A customer who books rides", owner: "ml-platform")
