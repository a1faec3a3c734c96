using System.Net;

namespace AutoEncoders.Tests.Data;

/// <summary>An HTTP handler that answers from a table instead of the network, and records what was asked.</summary>
public sealed class FakeHttpHandler : HttpMessageHandler
{
    private readonly Func<Uri, HttpResponseMessage> _respond;

    /// <summary>Answers each request with <paramref name="respond"/>.</summary>
    public FakeHttpHandler(Func<Uri, HttpResponseMessage> respond)
    {
        _respond = respond;
    }

    /// <summary>The URLs requested, in order.</summary>
    public List<Uri> Requests { get; } = [];

    /// <summary>A 200 response carrying <paramref name="body"/>.</summary>
    public static HttpResponseMessage Ok(byte[] body) => new(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };

    /// <summary>A 404 response.</summary>
    public static HttpResponseMessage NotFound() => new(HttpStatusCode.NotFound) { ReasonPhrase = "Not Found" };

    /// <inheritdoc />
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request.RequestUri!);
        return _respond(request.RequestUri!);
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(Send(request, cancellationToken));
}
