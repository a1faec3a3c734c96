
namespace AutoEncoders.Tests.Cli;

public sealed class DatasetsCommandTests
{
    [Fact]
    public void Lists_each_split_with_where_it_was_found_verification_counts_and_the_slice_note()
    {
        _ = TestData.FashionMnistDirectory;
        string mnist = Path.Combine(TestData.DatasetsRoot, "mnist");

        CliRun run = CliRun.Of("datasets", "--data-dir", TestData.DatasetsRoot);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);
        string[] lines = run.Output.Split('\n');
        Assert.Contains("mnist: MNIST: handwritten digits 0-9, 28x28 grey, 60,000 training and 10,000 test images.", lines);
        Assert.Contains(lines, l => l.StartsWith("  train      not found (60000 items expected): no train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz in " + mnist + " (--data-dir), ", StringComparison.Ordinal));
        Assert.Contains($"  train-10k  10000 items  {mnist} (--data-dir)  verified (SHA-256 of the files)", lines);
        Assert.Contains("             used for train. This is a 10,000-image slice of the MNIST training set (about 1,000 per class), not the full 60,000: the full training files were not found.", lines);
        Assert.Contains($"  test       10000 items  {mnist} (--data-dir)  verified (SHA-256 of the files)", lines);
        Assert.Contains("  train      60000 items  /usr/share/datasets/fashion-mnist (system)  verified (SHA-256 of the decompressed content; the files were recompressed)", lines);
        Assert.Contains("  classes  o, ki, su, tsu, na, ha, ma, ya, re, wo", lines);
        Assert.Contains(lines, l => l.StartsWith("  test       not found (10000 items expected): no t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz in ", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_data_dir_is_refused()
    {
        CliRun run = CliRun.Of("datasets", "--data-dir", "/nonexistent/data");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: --data-dir /nonexistent/data: no such folder.\n", run.Error);
    }

    [Fact]
    public void Download_of_a_dataset_already_on_disk_fetches_nothing()
    {
        _ = TestData.FashionMnistDirectory;

        CliRun run = CliRun.Of("datasets", "--download", "fashion-mnist");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("fashion-mnist: every published file is already on disk; nothing to download.\n", run.Output);
    }

    [Fact]
    public void Download_of_an_unknown_dataset_is_refused_listing_the_catalog()
    {
        CliRun run = CliRun.Of("datasets", "--download", "cifar10");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: Unknown dataset 'cifar10': the catalog has mnist, fashion-mnist, kmnist.\n", run.Error);
    }
}
