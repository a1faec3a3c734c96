namespace AutoEncoders.Runtime;

/// <summary>libtorch (through TorchSharp's native wrapper) could not be loaded; the message says why in one sentence.</summary>
public sealed class TorchUnavailableException : Exception
{
    /// <summary>Creates the exception with a one-sentence reason.</summary>
    public TorchUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-sentence reason and the original failure.</summary>
    public TorchUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public TorchUnavailableException()
        : base("libtorch could not be loaded.")
    {
    }
}
