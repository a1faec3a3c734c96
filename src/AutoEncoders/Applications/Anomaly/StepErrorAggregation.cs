namespace AutoEncoders.Applications.Anomaly;

/// <summary>How the per-step reconstruction errors of a series become the series' anomaly score.</summary>
public enum StepErrorAggregation
{
    /// <summary>Mean over the steps: anomalies that spread over the series.</summary>
    Mean,

    /// <summary>Largest step error: short, local anomalies (a spike, a dropout) that a mean would dilute.</summary>
    Max,
}
