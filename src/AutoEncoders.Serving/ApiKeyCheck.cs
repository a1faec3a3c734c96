using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace AutoEncoders.Serving;

/// <summary>
/// The API key rule: with a key set, every request but health and the page's two static files (which hold no data)
/// must carry it as <c>X-Api-Key: KEY</c> or <c>Authorization: Bearer KEY</c>. The comparison is of SHA-256 digests
/// with <see cref="CryptographicOperations.FixedTimeEquals"/>, so its time tells neither the key nor its length.
/// </summary>
public sealed class ApiKeyCheck
{
    private static readonly HashSet<string> OpenPaths = new(StringComparer.Ordinal) { "/v1/health", "/", "/index.html", "/explorer.js" };

    private readonly byte[]? _digest;

    /// <summary>A check for <paramref name="key"/>; null lets every request through.</summary>
    public ApiKeyCheck(string? key)
    {
        _digest = key is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>True when a key is required at all.</summary>
    public bool Enabled => _digest is not null;

    /// <summary>True when <paramref name="request"/> may proceed.</summary>
    public bool Allows(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_digest is null || OpenPaths.Contains(request.Path.Value ?? ""))
        {
            return true;
        }

        string? given = request.Headers["X-Api-Key"].FirstOrDefault();
        string? authorization = request.Headers.Authorization.FirstOrDefault();
        if (given is null && authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            given = authorization["Bearer ".Length..].Trim();
        }

        return given is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), _digest);
    }
}
