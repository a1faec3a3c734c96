namespace AutoEncoders.Training;

/// <summary>
/// Training stopped because a loss term became NaN or infinite; says at which step and which term. It is an
/// <see cref="InvalidOperationException"/>, so a command that does not handle it still ends in one line. When the
/// trainer has a checkpoint path and the weights are still finite, <see cref="CheckpointPath"/> names the checkpoint
/// it wrote of the state before the failing batch (the loss is checked before the update).
/// </summary>
public sealed class NonFiniteLossException : InvalidOperationException
{
    /// <summary>Creates the exception for a term at a step.</summary>
    public NonFiniteLossException(int epoch, long step, long batch, string term, double value)
        : base($"Training stopped: the '{term}' term is {value} at epoch {epoch}, batch {batch} (step {step}); the weights were not updated with it. Lower the learning rate, set gradientClipNorm, or check the data for NaN/inf values.")
    {
        Epoch = epoch;
        Step = step;
        Batch = batch;
        Term = term;
        Value = value;
    }

    /// <summary>Creates the exception with a message.</summary>
    public NonFiniteLossException(string message)
        : base(message)
    {
        Term = string.Empty;
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public NonFiniteLossException(string message, Exception innerException)
        : base(message, innerException)
    {
        Term = string.Empty;
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public NonFiniteLossException()
        : this("A loss term became NaN or infinite.")
    {
    }

    /// <summary>1-based epoch.</summary>
    public int Epoch { get; }

    /// <summary>Global step (1-based).</summary>
    public long Step { get; }

    /// <summary>Batch within the epoch (1-based).</summary>
    public long Batch { get; }

    /// <summary>The term that went non-finite ("loss" for the total).</summary>
    public string Term { get; }

    /// <summary>Its value.</summary>
    public double Value { get; }

    /// <summary>The checkpoint written of the last good state (before the failing batch), or null when none was written.</summary>
    public string? CheckpointPath { get; internal set; }
}
