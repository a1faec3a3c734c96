using AutoEncoders.Applications.Search;
using AutoEncoders.Data;
using AutoEncoders.Tests.Data;
using SkiaSharp;
using TorchSharp;

namespace AutoEncoders.Tests.Cli;

public sealed class InspectCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Npy_array_written_by_ae_shows_shape_type_range_and_column_spread()
    {
        string path = _temp.File("codes.npy");
        NpyFile.Write(path, torch.tensor(new float[] { 0, 1, 2, 3, 4, 5 }, [3, 2]));

        CliRun run = CliRun.Of("inspect", path);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(
            $"""
            {path}
              format        NumPy .npy
              shape         3 x 2
              element type  Float32
              value range   0 .. 5
              column spread 2 (mean standard deviation of the 2 columns)

            """,
            run.Output);
    }

    [Fact]
    public void Code_index_written_by_ae_shows_items_dimensions_source_and_label_counts()
    {
        string path = _temp.File("codes.aeidx");
        using (var index = new CodeIndex(torch.tensor(new float[] { 0, 1, 2, -3, 4, 5, 6, 7, 8 }, [3, 3]), [7, 7, 2], source: "mnist test"))
        {
            index.Save(path);
        }

        CliRun run = CliRun.Of("inspect", path);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(
            $"""
            {path}
              format        code index (.aeidx, version 1)
              items         3
              dimensions    3
              source        mnist test
              ids           none
              value range   -3 .. 8
              labels        2 distinct values in 3 items
                2  1
                7  2

            """,
            run.Output);

        // A damaged index is refused with the reader's one line, not described.
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..40]);
        CliRun damaged = CliRun.Of("inspect", path);
        Assert.Equal(1, damaged.ExitCode);
        Assert.StartsWith($"error: {path}: ", damaged.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Idx_labels_file_shows_shape_type_range_hash_catalog_match_and_label_counts()
    {
        CliRun run = CliRun.Of("inspect", TestData.MnistTestLabels);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            $"""
            {TestData.MnistTestLabels}
              format        IDX (gzip)
              shape         10000
              element type  UInt8
              value range   0 .. 9
              content       SHA-256 ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2 (of the decompressed IDX bytes)
              catalog       mnist t10k-labels-idx1-ubyte.gz (verified by content SHA-256)
              labels        10 distinct values in 10000 items
                0  980
                1  1135
                2  1032
                3  1010
                4  982
                5  892
                6  958
                7  1028
                8  974
                9  1009

            """,
            run.Output);
    }

    [Fact]
    public void Catalog_labels_file_shows_the_class_names_with_the_counts()
    {
        string labels = Path.Combine(TestData.FashionMnistDirectory, "t10k-labels-idx1-ubyte.gz");

        CliRun run = CliRun.Of("inspect", labels);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("  catalog       fashion-mnist t10k-labels-idx1-ubyte.gz (verified by content SHA-256)\n", run.Output);
        Assert.Contains("    0 T-shirt/top  1000\n", run.Output);
        Assert.Contains("    9 Ankle boot   1000\n", run.Output);
    }

    [Fact]
    public void Raw_idx_images_show_their_tensor_shape()
    {
        string raw = _temp.Write("images-idx3-ubyte", IdxReaderTests.Gunzip(File.ReadAllBytes(TestData.MnistTrain10kImages)));

        CliRun run = CliRun.Of("inspect", raw);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("  format        IDX (raw)\n", run.Output);
        Assert.Contains("  shape         10000 x 28 x 28\n", run.Output);
        Assert.Contains("  content       SHA-256 b93364de842ca418a0adbfffb659384ff2739b51b8be0e68b7b41dbb4f5b894e", run.Output);
        Assert.Contains("  catalog       mnist train-10k-images-idx3-ubyte.gz (verified by content SHA-256)\n", run.Output);
        Assert.Contains("  loads as      [10000, 1, 28, 28] float32 in [0, 1]\n", run.Output);
    }

    [Fact]
    public void Corrupt_idx_is_refused_with_exit_code_1_and_the_readers_message()
    {
        byte[] gz = File.ReadAllBytes(TestData.MnistTestLabels);
        string path = _temp.Write("cut.gz", gz[..(gz.Length / 2)]);

        CliRun run = CliRun.Of("inspect", path);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Output);
        Assert.StartsWith($"error: {path}: decompressed offset ", run.Error);
        Assert.Contains("gzip file is truncated.", run.Error);
    }

    [Fact]
    public void Csv_with_a_label_column_found_by_name_shows_columns_and_class_counts()
    {
        string path = _temp.Write("iris.csv", "id;sepal length;sepal width;class\n1;5.1;3.5;setosa\n2;7.0;3.2;versicolor\n3;6.3;2.9;setosa\n");

        CliRun run = CliRun.Of("inspect", path, "--ignore", "id");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            $"""
            {path}
              format        CSV table (semicolon-separated, header row)
              shape         3 rows x 2 numeric columns
              element type  float32 (loads as [3, 2])
              value range   2.9 .. 7
              ignored       id
              columns
                sepal length  5.1 .. 7
                sepal width   2.9 .. 3.5
              labels        column 'class' (found by its name; --label NAME picks another), 2 classes
                0 setosa      2
                1 versicolor  1

            """,
            run.Output);
    }

    [Fact]
    public void Csv_with_a_text_cell_outside_the_label_column_is_refused_naming_row_and_column()
    {
        string path = _temp.Write("t.csv", "a,b,kind\n1,2,x\n3,oops,y\n");

        CliRun run = CliRun.Of("inspect", path, "--label", "kind");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"error: {path}: line 3 (row 2), column 'b': expected a number", run.Error);
    }

    [Fact]
    public void Headerless_numeric_file_is_read_as_a_ucr_sequence_file()
    {
        string path = _temp.Write("Coffee_TRAIN.tsv", "0\t1\t2\t3\t4\n1\t5\t6\t7\t8\n1\t0\t0\t0\t0\n");

        CliRun labelled = CliRun.Of("inspect", path);
        CliRun plain = CliRun.Of("inspect", path, "--no-label", "--channels", "5");

        Assert.Equal(0, labelled.ExitCode);
        Assert.Contains("  format        sequence file (one series per row, tab-separated, label first as in the UCR archive; --no-label reads it as data)\n", labelled.Output);
        Assert.Contains("  shape         3 series x 4 steps x 1 channel\n", labelled.Output);
        Assert.Contains("    0 0  1\n    1 1  2\n", labelled.Output);
        Assert.Contains("  shape         3 series x 1 steps x 5 channels\n", plain.Output);
        Assert.DoesNotContain("  labels  ", plain.Output);
    }

    [Fact]
    public void Image_and_image_folder_show_sizes_colours_and_class_counts()
    {
        string root = _temp.File("shapes");
        ImageFolderTests.WriteImage(Path.Combine(root, "circle", "1.png"), 6, 4, (x, _) => new SKColor((byte)(40 * x), 0, 0));
        ImageFolderTests.WriteImage(Path.Combine(root, "circle", "2.png"), 6, 4, (_, _) => SKColors.White);
        ImageFolderTests.WriteImage(Path.Combine(root, "square", "3.jpg"), 8, 8, (_, _) => SKColors.Gray, SKEncodedImageFormat.Jpeg);

        CliRun file = CliRun.Of("inspect", Path.Combine(root, "circle", "1.png"));
        CliRun folder = CliRun.Of("inspect", root);

        Assert.Equal(0, file.ExitCode);
        Assert.Contains("  format        Png image\n", file.Output);
        Assert.Contains("  shape         6 x 4 pixels, colour\n", file.Output);
        Assert.Contains("  value range   0 .. 200\n", file.Output);
        Assert.Equal(0, folder.ExitCode);
        Assert.Contains("  format        image folder (one subfolder per class): 1 Jpeg, 2 Png\n", folder.Output);
        Assert.Contains("  shape         3 images; sizes 6x4 (2), 8x8 (1)\n", folder.Output);
        Assert.Contains("    0 circle  2\n    1 square  1\n", folder.Output);
    }

    [Fact]
    public void Corrupt_image_in_a_folder_is_refused_naming_it()
    {
        string root = _temp.File("bad");
        ImageFolderTests.WriteImage(Path.Combine(root, "a", "ok.png"), 4, 4, (_, _) => SKColors.White);
        string broken = _temp.Write("bad/a/broken.png", [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);

        CliRun run = CliRun.Of("inspect", root);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"error: {broken}: offset 0: expected a PNG or JPEG image", run.Error);
    }

    [Fact]
    public void Unrecognised_binary_and_missing_paths_are_refused()
    {
        string binary = _temp.Write("blob.bin", [1, 0, 2, 0, 3]);

        CliRun unknown = CliRun.Of("inspect", binary);
        CliRun missing = CliRun.Of("inspect", _temp.File("absent.csv"));

        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal($"error: {binary}: offset 0: expected a data file (IDX, CSV, sequence file, PNG/JPEG image, .npy array, .aeidx code index) or an image folder, found binary data starting 0100020003.\n", unknown.Error);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no such file or folder", missing.Error);
    }
}
