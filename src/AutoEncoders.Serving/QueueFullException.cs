namespace AutoEncoders.Serving;

/// <summary>The <see cref="InferenceBatcher"/> holds as many waiting requests as it may; the request is refused (503).</summary>
public sealed class QueueFullException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QueueFullException()
        : base("the service is busy: too many requests are waiting for the model; retry shortly.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public QueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public QueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
