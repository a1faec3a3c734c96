using AutoEncoders.Data;
using Xunit;

namespace AutoEncoders.Tests.Data;

public sealed class DatasetCatalogTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Cache => _temp.File("cache");

    /// <summary>Searches only the shared datasets root (and an empty cache): no system folder, no environment.</summary>
    private DatasetOptions SharedOnly => new() { SearchPath = [TestData.DatasetsRoot], SystemDirectory = null, CacheDirectory = Cache };

    /// <summary>Searches nothing that exists.</summary>
    private DatasetOptions Nowhere => new() { SearchPath = [], SystemDirectory = null, CacheDirectory = Cache };

    [Fact]
    public void Default_catalog_describes_mnist_fashion_and_kmnist_with_both_splits()
    {
        DatasetCatalog catalog = DatasetCatalog.Default;

        Assert.Equal(["mnist", "fashion-mnist", "kmnist"], catalog.Datasets.Select(d => d.Name));
        foreach (DatasetDescriptor d in catalog.Datasets)
        {
            Assert.Equal(10, d.ClassNames.Count);
            Assert.Equal([DatasetSplit.Train, DatasetSplit.Test], d.Splits);
            Assert.Equal(60000, d.Published(DatasetSplit.Train).Count);
            Assert.Equal(10000, d.Published(DatasetSplit.Test).Count);
            Assert.All(d.Variants, v => Assert.Matches("^[0-9a-f]{64}$", v.Images.Sha256));
        }

        Assert.Equal(["https://storage.googleapis.com/cvdf-datasets/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/"],
            catalog.Get("MNIST").Mirrors.Select(u => u.ToString()));
        Assert.Equal("Ankle boot", catalog.Get("fashion-mnist").ClassNames[9]);
        Assert.Equal("dataset-fashion-mnist", catalog.Get("fashion-mnist").SystemPackage);
    }

    [Fact]
    public void Unknown_name_is_refused_listing_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => DatasetCatalog.Default.Get("cifar10"));

        Assert.Contains("Unknown dataset 'cifar10': the catalog has mnist, fashion-mnist, kmnist.", e.Message);
    }

    [Fact]
    public void Mnist_test_set_is_found_on_the_search_path_and_verified_against_the_published_archive()
    {
        LocatedDataset located = DatasetCatalog.Default.Locate("mnist", DatasetSplit.Test, SharedOnly);

        Assert.True(located.Found);
        Assert.True(located.Verified);
        Assert.Equal(FileVerification.PublishedArchive, located.Images.Verification);
        Assert.Equal(Path.Combine(TestData.DatasetsRoot, "mnist", "t10k-images-idx3-ubyte.gz"), located.Images.Path);
        Assert.Equal("AE_DATA_PATH", located.SearchedDirectories[0].Origin);
        Assert.Null(located.Note);
    }

    [Fact]
    public void Mnist_train_falls_back_to_the_10k_slice_and_says_so()
    {
        LocatedDataset located = DatasetCatalog.Default.Locate("mnist", DatasetSplit.Train, SharedOnly);
        using TensorDataset train = DatasetCatalog.Default.Load("mnist", DatasetSplit.Train, SharedOnly);

        Assert.Equal("train-10k", located.Variant.Name);
        Assert.True(located.Verified);
        Assert.Equal(10000L, train.Count);
        Assert.Equal([1L, 28, 28], train.SampleShape);
        Assert.Equal("mnist/train-10k", train.Name);
        Assert.Contains("10,000-image slice of the MNIST training set", train.Note);
        Assert.Contains("not the full 60,000", train.Note);
        Assert.Equal(DatasetCatalog.Default.Get("mnist").ClassNames, train.ClassNames);
    }

    [Fact]
    public void Debian_fashion_mnist_is_verified_by_its_decompressed_content()
    {
        _ = TestData.FashionMnistDirectory;
        var options = new DatasetOptions { SearchPath = [], CacheDirectory = Cache };

        LocatedDataset train = DatasetCatalog.Default.Locate("fashion-mnist", DatasetSplit.Train, options);
        using TensorDataset test = DatasetCatalog.Default.Load("fashion-mnist", DatasetSplit.Test, options);

        Assert.Equal(FileVerification.Content, train.Images.Verification);
        Assert.Equal(FileVerification.Content, train.Labels.Verification);
        Assert.Equal("system", train.SearchedDirectories.Single(d => d.Path == train.Images.Path![..train.Images.Path!.LastIndexOf('/')]).Origin);
        Assert.Equal(10000L, test.Count);
        Assert.Equal("fashion-mnist/test", test.Name);
        Assert.Null(test.Note);
        Assert.Equal("T-shirt/top", test.ClassNames[0]);
        Assert.All(test.LabelCounts().Values, count => Assert.Equal(1000L, count));
    }

    [Fact]
    public void Copy_with_no_known_content_hash_is_used_but_reported_unverified()
    {
        string root = CopyMnistTestInto("kmnist");
        var options = new DatasetOptions { SearchPath = [root], SystemDirectory = null, CacheDirectory = Cache };

        LocatedDataset located = DatasetCatalog.Default.Locate("kmnist", DatasetSplit.Test, options);
        using TensorDataset data = DatasetCatalog.Default.Load("kmnist", DatasetSplit.Test, options);

        Assert.True(located.Found);
        Assert.False(located.Verified);
        Assert.Equal(FileVerification.Unverified, located.Images.Verification);
        Assert.Contains("unverified: its SHA-256 8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6 differs from the published edd7a857", data.Note);
        Assert.Equal("wo", data.ClassNames[9]);
    }

    [Fact]
    public void File_that_contradicts_a_known_content_hash_is_rejected_and_the_search_goes_on()
    {
        string root = CopyMnistTestInto("fashion-mnist");
        var options = new DatasetOptions { SearchPath = [root], SystemDirectory = null, CacheDirectory = Cache };

        LocatedDataset located = DatasetCatalog.Default.Locate("fashion-mnist", DatasetSplit.Test, options);
        var e = Assert.Throws<FileNotFoundException>(() => DatasetCatalog.Default.Load("fashion-mnist", DatasetSplit.Test, options));

        Assert.False(located.Found);
        string rejected = Assert.Single(located.Images.Rejected);
        Assert.StartsWith(Path.Combine(root, "fashion-mnist", "t10k-images-idx3-ubyte.gz") + ": neither its SHA-256", rejected);
        Assert.Contains("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", rejected);
        Assert.Contains("Rejected: ", e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
    }

    [Fact]
    public void Item_count_other_than_the_catalogs_is_refused()
    {
        string root = _temp.File("root");
        Directory.CreateDirectory(Path.Combine(root, "kmnist"));
        File.Copy(TestData.MnistTestImages, Path.Combine(root, "kmnist", "train-images-idx3-ubyte.gz"));
        File.Copy(TestData.MnistTestLabels, Path.Combine(root, "kmnist", "train-labels-idx1-ubyte.gz"));
        var options = new DatasetOptions { SearchPath = [root], SystemDirectory = null, CacheDirectory = Cache };

        var e = Assert.Throws<DataFormatException>(() => DatasetCatalog.Default.Load("kmnist", DatasetSplit.Train, options));

        Assert.Equal("offset 4", e.Location);
        Assert.Contains("expected 60000 images for kmnist/train, found 10000", e.Message);
    }

    [Fact]
    public void Folders_are_searched_data_dir_first_then_the_search_path_then_system_then_cache()
    {
        string first = CopyMnistTestInto("mnist", "first");
        var options = new DatasetOptions
        {
            DataDirectory = first,
            SearchPath = [TestData.DatasetsRoot, "/nonexistent"],
            SystemDirectory = "/usr/share/datasets",
            CacheDirectory = Cache,
        };

        IReadOnlyList<SearchDirectory> directories = new DatasetLocator(options).SearchDirectories("mnist");
        LocatedDataset located = DatasetCatalog.Default.Locate("mnist", DatasetSplit.Test, options);

        Assert.Equal(
            [
                $"{first}/mnist (--data-dir)",
                $"{TestData.DatasetsRoot}/mnist (AE_DATA_PATH)",
                "/nonexistent/mnist (AE_DATA_PATH)",
                "/usr/share/datasets/mnist (system)",
                $"{Cache}/mnist (cache)",
            ],
            directories.Select(d => d.ToString()));
        Assert.Equal(Path.Combine(first, "mnist", "t10k-images-idx3-ubyte.gz"), located.Images.Path);
    }

    [Fact]
    public void Search_path_and_cache_come_from_AE_DATA_PATH_and_XDG_CACHE_HOME_when_not_given()
    {
        string? oldPath = Environment.GetEnvironmentVariable("AE_DATA_PATH");
        string? oldCache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        try
        {
            Environment.SetEnvironmentVariable("AE_DATA_PATH", $"/a:: /b :{TestData.DatasetsRoot}");
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/xdg");

            IReadOnlyList<SearchDirectory> directories = new DatasetLocator(new DatasetOptions { SystemDirectory = null }).SearchDirectories("mnist");

            Assert.Equal(["/a/mnist", "/b/mnist", $"{TestData.DatasetsRoot}/mnist", "/xdg/autoencoders/mnist"], directories.Select(d => d.Path));
            Assert.True(DatasetCatalog.Default.Locate("mnist", DatasetSplit.Test, new DatasetOptions { SystemDirectory = null }).Found);

            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", null);
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "autoencoders"), DatasetOptions.DefaultCacheDirectory());
        }
        finally
        {
            Environment.SetEnvironmentVariable("AE_DATA_PATH", oldPath);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", oldCache);
        }
    }

    [Fact]
    public void Nothing_found_offline_says_where_it_looked_and_how_to_get_the_data()
    {
        var e = Assert.Throws<FileNotFoundException>(() => DatasetCatalog.Default.Load("mnist", DatasetSplit.Train, Nowhere));

        Assert.Equal(
            $"The train split of mnist is not available: train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz were not found in {Cache}/mnist (cache). "
            + "The stand-in train-10k (train-10k-images-idx3-ubyte.gz, train-10k-labels-idx1-ubyte.gz) was not found either. "
            + "To get it: put the files in <root>/mnist/ and set AE_DATA_PATH=<root> (or pass --data-dir <root>), "
            + "or allow downloads from https://storage.googleapis.com/cvdf-datasets/mnist/ (`ae datasets --download mnist`, or DatasetOptions.AllowDownload).",
            e.Message);
    }

    [Fact]
    public void Download_fetches_from_the_first_mirror_verifies_and_renames_into_the_cache()
    {
        var handler = new FakeHttpHandler(url => FakeHttpHandler.Ok(File.ReadAllBytes(Path.Combine(TestData.MnistDirectory, Path.GetFileName(url.AbsolutePath)))));
        var log = new List<string>();
        DatasetOptions options = Nowhere with { AllowDownload = true, DownloadHandler = handler, Log = log.Add };

        using TensorDataset test = DatasetCatalog.Default.Load("mnist", DatasetSplit.Test, options);

        Assert.Equal(
            ["https://storage.googleapis.com/cvdf-datasets/mnist/t10k-images-idx3-ubyte.gz", "https://storage.googleapis.com/cvdf-datasets/mnist/t10k-labels-idx1-ubyte.gz"],
            handler.Requests.Select(u => u.ToString()));
        Assert.Equal(["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"], Directory.GetFiles(Path.Combine(Cache, "mnist")).Select(Path.GetFileName).Order());
        Assert.Equal(10000L, test.Count);
        Assert.Null(test.Note);
        Assert.Contains($"saved {Cache}/mnist/t10k-labels-idx1-ubyte.gz (SHA-256 verified)", log);

        // Now in the cache, a second load downloads nothing.
        using TensorDataset again = DatasetCatalog.Default.Load("mnist", DatasetSplit.Test, options);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public void Download_with_a_bad_checksum_deletes_the_part_file_and_tries_the_next_mirror()
    {
        var handler = new FakeHttpHandler(url =>
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(TestData.MnistDirectory, Path.GetFileName(url.AbsolutePath)));
            if (url.Host == "storage.googleapis.com")
            {
                bytes[^10] ^= 1;
            }

            return FakeHttpHandler.Ok(bytes);
        });
        var log = new List<string>();
        DatasetOptions options = Nowhere with { AllowDownload = true, DownloadHandler = handler, Log = log.Add };

        using TensorDataset test = DatasetCatalog.Default.Load("mnist", DatasetSplit.Test, options);

        Assert.Equal(4, handler.Requests.Count);
        Assert.Equal("ossci-datasets.s3.amazonaws.com", handler.Requests[1].Host);
        Assert.Contains(log, line => line.StartsWith("failed: https://storage.googleapis.com/cvdf-datasets/mnist/t10k-images-idx3-ubyte.gz: the 1648877-byte download has SHA-256 ", StringComparison.Ordinal)
            && line.EndsWith($"expected 8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6; deleted {Cache}/mnist/t10k-images-idx3-ubyte.gz.part", StringComparison.Ordinal));
        Assert.Equal(10000L, test.Count);
        Assert.Empty(Directory.GetFiles(Path.Combine(Cache, "mnist"), "*.part"));
    }

    [Fact]
    public void Download_failing_on_every_mirror_is_refused_listing_each_and_leaves_nothing()
    {
        var handler = new FakeHttpHandler(url => url.Host == "storage.googleapis.com"
            ? FakeHttpHandler.NotFound()
            : FakeHttpHandler.Ok("<html>not the file</html>"u8.ToArray()));
        DatasetOptions options = Nowhere with { AllowDownload = true, DownloadHandler = handler };

        var e = Assert.Throws<IOException>(() => DatasetCatalog.Default.Load("kmnist", DatasetSplit.Test, options));

        Assert.Equal(["http://codh.rois.ac.jp/kmnist/dataset/kmnist/t10k-images-idx3-ubyte.gz"], handler.Requests.Select(u => u.ToString()));
        Assert.StartsWith($"Could not download t10k-images-idx3-ubyte.gz of kmnist into {Cache}/kmnist: http://codh.rois.ac.jp/kmnist/dataset/kmnist/t10k-images-idx3-ubyte.gz: the 25-byte download has SHA-256 ", e.Message);
        Assert.Contains("expected edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5; deleted", e.Message);
        Assert.Empty(Directory.GetFiles(Path.Combine(Cache, "kmnist")));

        var mnist = Assert.Throws<IOException>(() => DatasetCatalog.Default.Load("mnist", DatasetSplit.Test, options));
        Assert.Contains("https://storage.googleapis.com/cvdf-datasets/mnist/t10k-images-idx3-ubyte.gz: HTTP 404 Not Found; https://ossci-datasets.s3.amazonaws.com/mnist/t10k-images-idx3-ubyte.gz: the 25-byte download", mnist.Message);
    }

    [Fact]
    public void Allowed_downloads_are_preferred_to_the_slice_and_their_failure_is_not_hidden()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.NotFound());
        DatasetOptions options = SharedOnly with { AllowDownload = true, DownloadHandler = handler };

        var e = Assert.Throws<IOException>(() => DatasetCatalog.Default.Load("mnist", DatasetSplit.Train, options));

        Assert.Contains("Could not download train-images-idx3-ubyte.gz of mnist", e.Message);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public void Explicit_download_of_a_dataset_already_on_disk_fetches_nothing()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.NotFound());
        string root = CopyMnistTestInto("mnist");
        File.Copy(TestData.MnistTestImages, Path.Combine(root, "mnist", "train-images-idx3-ubyte.gz"));
        File.Copy(TestData.MnistTestLabels, Path.Combine(root, "mnist", "train-labels-idx1-ubyte.gz"));
        var options = new DatasetOptions { SearchPath = [root], SystemDirectory = null, CacheDirectory = Cache, DownloadHandler = handler };

        IReadOnlyList<string> downloaded = DatasetCatalog.Default.Download("mnist", options);

        Assert.Empty(downloaded);
        Assert.Empty(handler.Requests);
    }

    private string CopyMnistTestInto(string datasetName, string rootName = "root")
    {
        string root = _temp.File(rootName);
        Directory.CreateDirectory(Path.Combine(root, datasetName));
        File.Copy(TestData.MnistTestImages, Path.Combine(root, datasetName, "t10k-images-idx3-ubyte.gz"));
        File.Copy(TestData.MnistTestLabels, Path.Combine(root, datasetName, "t10k-labels-idx1-ubyte.gz"));
        return root;
    }
}
