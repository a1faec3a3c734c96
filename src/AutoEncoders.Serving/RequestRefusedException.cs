namespace AutoEncoders.Serving;

/// <summary>
/// A refused request: answered with <see cref="Status"/> and an RFC 7807 problem document whose <c>field</c>
/// names the part of the request that is wrong (e.g. <c>inputs[3]</c>, <c>k</c>, <c>body</c>, <c>Content-Type</c>).
/// </summary>
public sealed class RequestRefusedException : Exception
{
    /// <summary>Creates the problem.</summary>
    public RequestRefusedException(int status, string field, string detail)
        : base(detail)
    {
        Status = status;
        Field = field;
    }

    /// <summary>Creates a 400 problem.</summary>
    public RequestRefusedException()
        : this(400, "body", "bad request")
    {
    }

    /// <summary>Creates a 400 problem about the body.</summary>
    public RequestRefusedException(string message)
        : this(400, "body", message)
    {
    }

    /// <summary>Creates a 400 problem about the body with a cause.</summary>
    public RequestRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = 400;
        Field = "body";
    }

    /// <summary>The HTTP status (4xx).</summary>
    public int Status { get; }

    /// <summary>The request part that is wrong.</summary>
    public string Field { get; }

    /// <summary>A 400 about <paramref name="field"/>.</summary>
    public static RequestRefusedException BadField(string field, string detail) => new(400, field, detail);
}
