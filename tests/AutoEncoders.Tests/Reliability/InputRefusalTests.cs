using System.Diagnostics;
using System.Runtime.InteropServices;
using AutoEncoders.Applications.Search;
using AutoEncoders.Cli;
using AutoEncoders.Data;
using AutoEncoders.Persistence;
using AutoEncoders.Tests.Cli;
using AutoEncoders.Training;
using SkiaSharp;
using TorchSharp;

namespace AutoEncoders.Tests.Reliability;

/// <summary>The inputs of issue 14 (rows 4, 6 and 8, and the "also seen" list) and the CLI's last-resort error line.</summary>
public sealed class InputRefusalTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Theory]
    [InlineData(16, 1L << 62, "offset 16", "found 4611686018427387904")]
    [InlineData(16, -1L, "offset 16", "found -1")]
    [InlineData(12, (long)int.MaxValue, "offset 12", "found 2147483647")]
    [InlineData(24, 8L, "offset 24", "expected flags 0 to 3")]
    [InlineData(28, (long)int.MaxValue, "offset 28", "expected the byte length of the source text")]
    public void Index_header_fields_are_checked_against_the_file_length(int offset, long value, string location, string found)
    {
        string path = _temp.File("codes.aeidx");
        using (var index = new CodeIndex(torch.rand(5, 4), [0, 1, 2, 3, 4], source: "{}"))
        {
            index.Save(path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        byte[] field = offset == 16 ? BitConverter.GetBytes(value) : BitConverter.GetBytes((int)value);
        field.CopyTo(bytes, offset);
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<DataFormatException>(() => CodeIndex.Load(path));
        Assert.Equal(location, e.Location);
        Assert.Contains(found, e.Message, StringComparison.Ordinal);
        Assert.StartsWith($"error: {path}: {location}: expected ", AeApplication.ErrorLine(e), StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_aliases_are_refused_before_they_expand()
    {
        string path = _temp.Write("laughs.yaml", SampleFiles.BillionLaughs());
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<InvalidDataException>(() => Recipe.Load(path));

        Assert.StartsWith($"{path}: line 5, column ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"at most {YamlToJson.MaxNodes} values with aliases expanded", e.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 20_000_000, "the document was expanded before it was refused");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Aliases_within_the_bound_still_expand()
    {
        string path = _temp.Write("anchors.yaml", "defaults: &layers [16, 8, 4]\nmodel: { kind: dense, layers: *layers }\n");

        // The unknown top-level field is refused after the alias was expanded into the model section.
        var e = Assert.Throws<InvalidDataException>(() => Recipe.Load(path));
        Assert.Contains(": defaults: unknown field \"defaults\"; expected one of name, description, model", e.Message, StringComparison.Ordinal);
        File.WriteAllText(path, "model: &m { kind: dense, layers: [16, 4] }\nname: x\n");
        Assert.Equal([16, 4], ((AutoEncoders.Models.Dense.DenseAutoencoderConfig)Recipe.Load(path).Model).Layers);
    }

    [Theory]
    [InlineData("model: [\n", "line 2, column 1: ")]
    [InlineData("model: {kind: dense\n", "line 2, column 1: ")]
    [InlineData("a: *nowhere\n", "line 1, column 4: expected an alias to an anchor defined before it")]
    public void Malformed_yaml_names_file_line_and_column(string yaml, string where)
    {
        string path = _temp.Write("bad.yaml", yaml);

        var e = Assert.Throws<InvalidDataException>(() => Recipe.Load(path));

        Assert.StartsWith($"{path}: {where}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("current state of the object", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_refused_in_yaml_and_json()
    {
        string yaml = _temp.Write("deep.yaml", new string('[', 10_000) + new string(']', 10_000));
        string json = _temp.Write("deep.json", new string('[', 10_000) + new string(']', 10_000));

        Assert.Contains("nested at most 64 deep", Assert.Throws<InvalidDataException>(() => Recipe.Load(yaml)).Message, StringComparison.Ordinal);
        Assert.StartsWith($"{json}: line 1", Assert.Throws<InvalidDataException>(() => Recipe.Load(json)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_json_without_kind_names_the_file_and_the_field()
    {
        string model = _temp.File("model");
        SampleFiles.SaveModel(model);
        string manifest = Path.Combine(model, "model.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"kind\": \"dense\",", string.Empty, StringComparison.Ordinal));

        var e = Assert.Throws<InvalidDataException>(() => TrainedAutoencoder.Load(model));

        Assert.Equal($"{manifest}: field $.model: expected a \"kind\" (\"type\" for a convolutional layer) first in this section, naming what it is; found none.", e.Message);
    }

    [Theory]
    [InlineData("\"trainLimit\": -1", "data: data.trainLimit (--train-limit) must be at least 1 sample; found -1.")]
    [InlineData("\"testLimit\": 0", "data: data.testLimit must be at least 1 sample; found 0.")]
    [InlineData("\"trainLimit\": \"many\"", ": data.trainLimit: expected an integer or null, found the string \"many\"")]
    [InlineData("\"trainLimit\": 5, \"color\": 1", ": data.color: unknown field \"color\"; expected one of dataset, trainImages, trainLabels, testImages, testLabels, trainTable, testTable")]
    public void Recipe_data_fields_are_refused_naming_file_and_field(string data, string expected)
    {
        string path = _temp.Write("recipe.json", $"{{ \"model\": {{ \"kind\": \"dense\", \"layers\": [16, 4] }}, \"data\": {{ \"dataset\": \"mnist\", {data} }} }}");

        var e = Assert.Throws<InvalidDataException>(() => Recipe.Load(path));

        Assert.Contains($"{path}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(0, 32)", "", "expected an array with at least one element; the shape (0, 32) holds none.")]
    [InlineData("(2, 4)", "junk", "expected the header NumPy writes")]
    [InlineData("(2, 4), 'extra': 1", "", "expected the header NumPy writes")]
    [InlineData("(2, x)", "", "expected the shape's dimensions as non-negative integers; found 'x'")]
    public void Npy_headers_are_read_strictly(string shape, string trailing, string expected)
    {
        string header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}{trailing}\n";
        string path = _temp.Write("codes.npy", SampleFiles.Npy(header, new byte[32]));

        var e = Assert.Throws<DataFormatException>(() => NpyFile.Read(path));

        Assert.Equal("offset 10", e.Location);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_deflate_data_is_called_corrupt_never_unexpected_extra_bytes()
    {
        byte[] images = SampleFiles.Idx(0x08, [40, 6, 6], i => (byte)(i * 13 % 251));
        byte[] gzip = SampleFiles.Gzip(images);
        var messages = new List<string>();
        for (int at = 10; at < gzip.Length - 8; at++)
        {
            byte[] bad = [.. gzip];
            bad[at] ^= 0xFF;
            string path = _temp.Write($"flip{at}.idx.gz", bad);
            messages.Add(Assert.Throws<DataFormatException>(() => IdxReader.Read(path)).Message);
        }

        Assert.DoesNotContain(messages, m => m.Contains("the header does not describe this file", StringComparison.Ordinal));
        Assert.True(messages.Count(m => m.Contains("corrupt", StringComparison.Ordinal)) > messages.Count / 2, string.Join("\n", messages.Take(20)));
    }

    [Fact]
    public void A_png_with_a_bad_checksum_is_called_a_checksum_error_not_truncated()
    {
        byte[] png = SampleFiles.Picture(SKEncodedImageFormat.Png);
        int idat = IndexOf(png, "IDAT"u8);
        png[idat + 6] ^= 0x01; // a data byte of the IDAT chunk: its CRC no longer matches
        string path = _temp.Write("crc.png", png);

        var e = Assert.Throws<DataFormatException>(() => ImageFile.ReadPixels(path, 4, 4, 1));

        Assert.Contains("expected the CRC-32 checksum of the IDAT chunk", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("truncated", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--percentile", "150", "error: --percentile: expected a percentile in (0, 100], found 150. (see `ae detect fit --help`)")]
    [InlineData("--fpr", "2", "error: --fpr: expected a fraction strictly between 0 and 1, found 2. (see `ae detect fit --help`)")]
    [InlineData("--limit", "-1", "error: --limit: expected at least 1, found -1. (see `ae detect fit --help`)")]
    [InlineData("--percentile", "NaN", "error: --percentile: expected a finite number, found NaN. (see `ae detect fit --help`)")]
    [InlineData("--epochs", "many", "error: --epochs: expected a whole number, found 'many'. (see `ae detect fit --help`)")]
    public void Bad_option_values_are_refused_in_one_line_naming_the_option(string option, string value, string expected)
    {
        string output = _temp.File("detector");

        CliRun run = CliRun.Of("detect", "fit", "--dataset", "mnist", "--anomaly-class", "1", option, value, "-o", output);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(expected, run.Error.Trim());
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void An_unknown_command_is_named()
    {
        CliRun run = CliRun.Of("trian");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: ae: Unrecognized command or argument 'trian'.", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Unexpected_exceptions_become_one_line_without_a_stack_trace()
    {
        // Real failures: libtorch refusing a tensor shape (its message carries a C++ backtrace) and a null dereference.
        Exception native = Caught(() => torch.zeros(new long[] { 2, -3 }).Dispose());
        Exception bug = Caught(() => _ = ((string?)Environment.GetEnvironmentVariable("AE_NO_SUCH_VARIABLE_SET"))!.Length);

        Assert.IsAssignableFrom<ExternalException>(native);
        string nativeLine = AeApplication.ErrorLine(native);
        Assert.StartsWith("error: libtorch failed: ", nativeLine, StringComparison.Ordinal);
        Assert.Contains("zeros: Dimension", nativeLine, StringComparison.Ordinal);
        Assert.EndsWith("(set AE_DEBUG=1 to print the details)", nativeLine, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', nativeLine);
        Assert.DoesNotContain("Exception raised from", nativeLine, StringComparison.Ordinal);
        Assert.StartsWith("error: unexpected NullReferenceException: ", AeApplication.ErrorLine(bug), StringComparison.Ordinal);
        Assert.Null(AeApplication.RefusalLine(bug));
#pragma warning disable CA2201 // the runtime's own exception types are exactly what the last resort must map
        Assert.Equal("error: out of memory: Insufficient memory to continue the execution of the program. (set AE_DEBUG=1 to print the details)", AeApplication.ErrorLine(new OutOfMemoryException()));
#pragma warning restore CA2201
        Assert.Equal("error: unexpected OverflowException: Arithmetic operation resulted in an overflow. (set AE_DEBUG=1 to print the details)", AeApplication.ErrorLine(new OverflowException()));
        Assert.Equal("error: a.csv: line 2: expected a number.", AeApplication.ErrorLine(new AggregateException(new DataFormatException("a.csv", "line 2", "expected a number."))));
        Assert.Equal("error: Access to the path '/root/x' is denied.", AeApplication.ErrorLine(new UnauthorizedAccessException("Access to the path '/root/x' is denied.")));
    }

    private static Exception Caught(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return e;
        }

        throw new InvalidOperationException("expected the action to throw");
    }

    public void Dispose() => _temp.Dispose();

    private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> what) => bytes.AsSpan().IndexOf(what);
}
