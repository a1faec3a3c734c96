namespace AutoEncoders.Data;

/// <summary>
/// Where <see cref="DatasetCatalog"/> looks for a dataset's files and whether it may download them. The folders are
/// searched in this order: <see cref="DataDirectory"/>, <see cref="SearchPath"/>, <see cref="SystemDirectory"/>,
/// <see cref="CacheDirectory"/>; each is a root holding one folder per dataset (<c>&lt;root&gt;/mnist/</c>).
/// Only when the published files are found nowhere, and <see cref="AllowDownload"/> is set, are they downloaded
/// into the cache.
/// </summary>
public sealed record DatasetOptions
{
    /// <summary>The environment variable read when <see cref="SearchPath"/> is null: roots separated by ':'.</summary>
    public const string SearchPathVariable = "AE_DATA_PATH";

    /// <summary>The folder Debian's dataset packages install to (dataset-fashion-mnist: /usr/share/datasets/fashion-mnist).</summary>
    public const string DefaultSystemDirectory = "/usr/share/datasets";

    /// <summary>An explicit root searched first (the CLI's --data-dir), or null.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Roots searched next, in order; null reads them from <see cref="SearchPathVariable"/>.</summary>
    public IReadOnlyList<string>? SearchPath { get; init; }

    /// <summary>The system-wide root, searched after the search path; null skips it.</summary>
    public string? SystemDirectory { get; init; } = DefaultSystemDirectory;

    /// <summary>
    /// The cache root, searched last and where downloads go; null means <c>$XDG_CACHE_HOME/autoencoders</c>, or
    /// <c>~/.cache/autoencoders</c> when XDG_CACHE_HOME is not set.
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Whether published files found nowhere may be downloaded (and verified) into the cache.</summary>
    public bool AllowDownload { get; init; }

    /// <summary>The HTTP handler for downloads; null uses a new <see cref="SocketsHttpHandler"/>. It must support synchronous sends.</summary>
    public HttpMessageHandler? DownloadHandler { get; init; }

    /// <summary>The longest one file's download may take, from request to last byte.</summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Receives one line per download step ("downloading ... from ..."), or null for silence.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The cache root that <see cref="CacheDirectory"/> = null stands for, from the environment.</summary>
    public static string DefaultCacheDirectory()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string baseDirectory = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDirectory, "autoencoders");
    }

    /// <summary>Splits a ':'-separated list of roots (the format of <see cref="SearchPathVariable"/>), dropping empty entries.</summary>
    public static IReadOnlyList<string> ParseSearchPath(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? []
            : value.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
