using System.Reflection;

namespace AutoEncoders.Serving;

/// <summary>
/// The explorer page's files, embedded in this assembly at build time: index.html and the esbuild bundle
/// explorer.js (present only when the bundle was built: scripts/setup.sh installs its npm packages).
/// </summary>
internal static class ExplorerAssets
{
    public static byte[]? Read(string name)
    {
        using Stream? stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"explorer/{name}");
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
