using AutoEncoders.Data;
using AutoEncoders.Runtime;
using TorchSharp;

namespace AutoEncoders.Tests;

/// <summary>The official MNIST test set (10,000 digits) from ../shared/datasets, loaded once for all tests.</summary>
public sealed class MnistFixture : IDisposable
{
    public MnistFixture()
    {
        TorchRuntime.EnsureLoaded();
        string directory = Path.Combine(SharedDatasets.Root, "mnist");
        IdxArray images = IdxReader.Read(Path.Combine(directory, "t10k-images-idx3-ubyte.gz"));
        IdxArray labels = IdxReader.Read(Path.Combine(directory, "t10k-labels-idx1-ubyte.gz"));
        Test = new TensorDataset(images.ToFloatTensor().reshape(-1, 784), labels.ToLabelTensor(), name: "mnist/test");
    }

    /// <summary>10,000 flattened digits in [0, 1], with labels.</summary>
    public TensorDataset Test { get; }

    /// <summary>The first <paramref name="count"/> digits (a view).</summary>
    public TensorDataset First(long count) => Test.Slice(0, count);

    public void Dispose() => Test.Dispose();
}

/// <summary>Where the shared datasets are: AE_DATA_PATH's first root, else ../shared/datasets above the repository.</summary>
public static class SharedDatasets
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("AE_DATA_PATH")?.Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(Directory.Exists);
        if (fromEnvironment is not null)
        {
            return fromEnvironment;
        }

        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            foreach (string candidate in new[] { Path.Combine(d.FullName, "shared", "datasets"), Path.Combine(d.FullName, "..", "shared", "datasets") })
            {
                if (Directory.Exists(Path.Combine(candidate, "mnist")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        throw new DirectoryNotFoundException("The shared datasets were not found: set AE_DATA_PATH to the folder holding mnist/ (../shared/datasets).");
    }
}
