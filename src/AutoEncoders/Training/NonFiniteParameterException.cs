namespace AutoEncoders.Training;

/// <summary>
/// Training stopped because a weight (or a buffer such as a batch-norm running variance) became NaN or infinite
/// after an update. No checkpoint is written of such weights; the last one on disk, if any, is from an earlier epoch.
/// An <see cref="InvalidOperationException"/>, so a command that does not handle it still ends in one line.
/// </summary>
public sealed class NonFiniteParameterException : InvalidOperationException
{
    /// <summary>Creates the exception for a parameter found non-finite at an epoch.</summary>
    public NonFiniteParameterException(int epoch, long step, string parameter, string when)
        : base($"Training stopped: the weights '{parameter}' are NaN or infinite at epoch {epoch} ({when}, step {step}); an update diverged. Lower the learning rate or set gradientClipNorm.")
    {
        Epoch = epoch;
        Step = step;
        Parameter = parameter;
        When = when;
    }

    /// <summary>Creates the exception with a message.</summary>
    public NonFiniteParameterException(string message)
        : base(message)
    {
        Parameter = string.Empty;
        When = string.Empty;
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public NonFiniteParameterException(string message, Exception innerException)
        : base(message, innerException)
    {
        Parameter = string.Empty;
        When = string.Empty;
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public NonFiniteParameterException()
        : this("A weight became NaN or infinite.")
    {
    }

    /// <summary>1-based epoch in which it was found.</summary>
    public int Epoch { get; }

    /// <summary>Global steps taken when it was found.</summary>
    public long Step { get; }

    /// <summary>The first non-finite parameter or buffer, by its state-dict name.</summary>
    public string Parameter { get; }

    /// <summary>Where in the epoch it was found (e.g. "at the end of the epoch").</summary>
    public string When { get; }
}
