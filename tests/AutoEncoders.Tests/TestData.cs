namespace AutoEncoders.Tests;

/// <summary>
/// Finds the real data the tests use: the datasets root from <c>AE_DATA_PATH</c> (its first entry that exists), or
/// the first folder holding <c>shared/datasets</c> found walking up from the test assembly (the repository's
/// sibling <c>../shared/datasets</c> is found that way too). Missing data fails the test with a message saying how
/// to provide it, never silently.
/// </summary>
public static class TestData
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The datasets root: a folder holding <c>mnist/</c> (and possibly other <c>&lt;name&gt;/</c> folders).</summary>
    public static string DatasetsRoot => Root.Value;

    /// <summary>Folder with the MNIST test set and the 10k training slice.</summary>
    public static string MnistDirectory => Require(Path.Combine(DatasetsRoot, "mnist"));

    /// <summary>The official MNIST test images (10,000 x 28 x 28, gzip).</summary>
    public static string MnistTestImages => Require(Path.Combine(MnistDirectory, "t10k-images-idx3-ubyte.gz"));

    /// <summary>The official MNIST test labels (10,000, gzip).</summary>
    public static string MnistTestLabels => Require(Path.Combine(MnistDirectory, "t10k-labels-idx1-ubyte.gz"));

    /// <summary>The 10,000-image slice of the MNIST training set.</summary>
    public static string MnistTrain10kImages => Require(Path.Combine(MnistDirectory, "train-10k-images-idx3-ubyte.gz"));

    /// <summary>The labels of the 10,000-image slice of the MNIST training set.</summary>
    public static string MnistTrain10kLabels => Require(Path.Combine(MnistDirectory, "train-10k-labels-idx1-ubyte.gz"));

    /// <summary>Debian's Fashion-MNIST (package dataset-fashion-mnist).</summary>
    public static string FashionMnistDirectory =>
        Directory.Exists("/usr/share/datasets/fashion-mnist")
            ? "/usr/share/datasets/fashion-mnist"
            : throw new InvalidOperationException("Fashion-MNIST is not installed: run `apt-get install -y dataset-fashion-mnist` (it provides /usr/share/datasets/fashion-mnist).");

    private static string Require(string path) =>
        File.Exists(path) || Directory.Exists(path)
            ? path
            : throw new InvalidOperationException($"Test data {path} is missing; the shared datasets folder (see shared/datasets/README.md) is incomplete.");

    private static string FindRoot()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("AE_DATA_PATH");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            string? existing = fromEnvironment.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault(d => Directory.Exists(Path.Combine(d, "mnist")));
            if (existing is not null)
            {
                return Path.GetFullPath(existing);
            }
        }

        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "datasets");
            if (Directory.Exists(Path.Combine(candidate, "mnist")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"No test data: AE_DATA_PATH ('{fromEnvironment}') has no folder holding mnist/, and no shared/datasets was found above {AppContext.BaseDirectory}. Set AE_DATA_PATH to the shared datasets folder.");
    }
}
