namespace AutoEncoders.Serving;

/// <summary>How <c>ae serve</c> listens and what it accepts: address, key, CORS, limits and dynamic batching.</summary>
public sealed record ServeOptions
{
    /// <summary>The loopback address, the default: nothing outside this machine can reach the service.</summary>
    public const string LoopbackHost = "127.0.0.1";

    /// <summary>The environment variable read for the API key when no key is given on the command line.</summary>
    public const string ApiKeyVariable = "AE_API_KEY";

    /// <summary>Address to listen on (<see cref="LoopbackHost"/> unless the user says otherwise).</summary>
    public string Host { get; init; } = LoopbackHost;

    /// <summary>Port; 0 picks a free one (printed at start).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>When set, every endpoint but health needs this key (header X-Api-Key or Authorization: Bearer).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Origins allowed to call the API from another site's page; empty leaves CORS off (no CORS headers at all).</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    /// <summary>Largest request body in bytes (JSON or .npy).</summary>
    public long MaxBodyBytes { get; init; } = 16L << 20;

    /// <summary>Most items (rows) in one request.</summary>
    public int MaxItemsPerRequest { get; init; } = 1024;

    /// <summary>Most samples one /v1/generate request may ask for.</summary>
    public int MaxGenerate { get; init; } = 256;

    /// <summary>Most neighbours one /v1/search request may ask for.</summary>
    public int MaxNeighbours { get; init; } = 100;

    /// <summary>How long a request may take before it is answered 503 (its work is dropped if not yet started).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Most rows gathered into one forward pass; 1 turns dynamic batching off.</summary>
    public int MaxBatch { get; init; } = 64;

    /// <summary>How long the first request of a batch waits for others to join it.</summary>
    public TimeSpan MaxBatchWait { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Requests that may wait for the model at once; beyond it new ones are answered 503.</summary>
    public int QueueCapacity { get; init; } = 4096;

    /// <summary>True when the service listens on the loopback address only.</summary>
    public bool IsLoopbackOnly => Host is LoopbackHost or "localhost" or "::1";

    /// <summary>Checks the values, naming the option that is wrong.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"--port: expected 0 to 65535, found {Port}.");
        }

        if (Host != "localhost" && !System.Net.IPAddress.TryParse(Host, out _))
        {
            throw new ArgumentException($"--host: expected an IP address such as 127.0.0.1 or 0.0.0.0, found '{Host}'.");
        }

        if (ApiKey is { Length: < 8 })
        {
            throw new ArgumentException("--api-key: expected at least 8 characters; a short key is easy to guess.");
        }

        foreach (string origin in CorsOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
            {
                throw new ArgumentException($"--cors: expected an origin such as https://example.org (scheme, host, optional port), found '{origin}'.");
            }
        }

        if (MaxBatch < 1 || MaxItemsPerRequest < 1 || MaxBodyBytes < 1024 || QueueCapacity < 1)
        {
            throw new ArgumentException("--max-batch, --max-items and --max-body must be positive (the body limit at least 1024 bytes).");
        }

        if (MaxBatchWait < TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("--max-wait-ms must be 0 or more and --timeout-s more than 0.");
        }
    }
}
