using AutoEncoders.Interop.PyTorch;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Models.Sequence;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Tests.Cli;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Interop.PyTorch;

public sealed class SafetensorsWeightsTests
{
    private static readonly DenseAutoencoderConfig Small = new() { Layers = [784, 32, 8], Activation = Activation.Tanh };

    public static TheoryData<string> Recipes => new() { "conv-unpool.json", "conv-vae-mnist.json", "aae-784-1000-1000-2.json", "vae-784-400-20.json", "conv-keras.json" };

    private static string SaveModel(TempDirectory directory, ModelConfig config, int seed)
    {
        TorchRuntime.SetSeed(seed);
        using Autoencoder model = config.Build();
        new TrainedAutoencoder(model, new ModelManifest { Model = config }).Save(directory.Path);
        return directory.Path;
    }

    private static void AssertSameWeights(Autoencoder expected, Autoencoder actual)
    {
        Dictionary<string, Tensor> a = expected.state_dict();
        Dictionary<string, Tensor> b = actual.state_dict();
        Assert.Equal(a.Keys, b.Keys);
        foreach ((string name, Tensor tensor) in a)
        {
            Assert.True(tensor.equal(b[name]).all().item<bool>(), $"{name} differs after the round trip");
        }
    }

    private static void AssertRoundTrip(ModelConfig config)
    {
        using var directory = new TempDirectory();
        TorchRuntime.SetSeed(1);
        using Autoencoder original = config.Build();
        TorchRuntime.SetSeed(2);
        using Autoencoder other = config.Build();
        Assert.False(original.state_dict().First().Value.equal(other.state_dict().First().Value).all().item<bool>());

        PyTorchWeights.Save(original, directory.File("w.safetensors"));
        SafetensorsFile file = SafetensorsFile.Read(directory.File("w.safetensors"));
        PyTorchWeights.Load(other, file, "w.safetensors");

        AssertSameWeights(original, other);
        Assert.Equal(original.state_dict().Count, file.Tensors.Count);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(config, JsonDefaults.Options), System.Text.Json.JsonSerializer.Serialize(PyTorchWeights.ReadConfig(file, "w"), JsonDefaults.Options));
    }

    [Theory]
    [MemberData(nameof(Recipes))]
    public void A_recipe_model_round_trips_through_safetensors(string recipe) =>
        AssertRoundTrip(Recipe.Load(RecipePath(recipe)).Model);

    [Fact]
    public void Dense_with_batch_norm_and_tied_weights_and_a_stacked_bidirectional_gru_round_trip()
    {
        AssertRoundTrip(Small with { Layers = [784, 64, 16, 4], TiedWeights = true, BatchNorm = true });
        AssertRoundTrip(new SequenceAutoencoderConfig { SequenceLength = 10, Features = 3, Cell = RecurrentCell.Gru, HiddenSize = 8, Layers = 2, Bidirectional = true, CodeSize = 5 });
    }

    [Fact]
    public void The_file_is_safetensors_as_written_by_the_reference_layout()
    {
        using var directory = new TempDirectory();
        TorchRuntime.SetSeed(3);
        using Autoencoder model = Small.Build();
        PyTorchWeights.Save(model, directory.File("w.safetensors"));
        byte[] bytes = File.ReadAllBytes(directory.File("w.safetensors"));

        long headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, headerLength % 8);
        using var header = System.Text.Json.JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        System.Text.Json.JsonElement first = header.RootElement.GetProperty("encoder.0.weight");
        Assert.Equal("F32", first.GetProperty("dtype").GetString());
        Assert.Equal([32, 784], first.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([0, 32 * 784 * 4], first.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal("dense", header.RootElement.GetProperty("__metadata__").GetProperty("ae.kind").GetString());
        float[] expected = model.state_dict()["encoder.0.weight"].data<float>().ToArray();
        Assert.Equal(expected[..5], Enumerable.Range(0, 5).Select(i => BitConverter.ToSingle(bytes, 8 + (int)headerLength + (4 * i))));
        Assert.Equal(8 + headerLength + (model.ParameterCount * 4), bytes.Length);
    }

    [Fact]
    public void Ae_weights_export_then_import_gives_a_model_directory_with_the_same_outputs()
    {
        using var model = new TempDirectory();
        using var imported = new TempDirectory();
        SaveModel(model, Small, seed: 5);
        string weights = model.File("w.safetensors");

        CliRun export = CliRun.Of("weights", "export", model.Path, "-o", weights);
        CliRun import = CliRun.Of("weights", "import", weights, "-o", imported.File("m"));

        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Contains("wrote 8 tensors (51544 parameters)", export.Output, StringComparison.Ordinal);
        Assert.True(import.ExitCode == 0, import.Error);
        Assert.Equal(0, CliRun.Of("export", model.Path, "--format", "safetensors", "-o", model.File("e.safetensors")).ExitCode);
        Assert.Equal(File.ReadAllBytes(weights), File.ReadAllBytes(model.File("e.safetensors")));
        using TrainedAutoencoder a = TrainedAutoencoder.Load(model.Path);
        using TrainedAutoencoder b = TrainedAutoencoder.Load(imported.File("m"));
        using Tensor x = torch.rand(7, 784);
        Assert.True(a.Reconstruct(x).equal(b.Reconstruct(x)).all().item<bool>());
    }

    [Fact]
    public void Weights_of_another_architecture_are_refused_naming_the_first_tensor_that_does_not_fit()
    {
        using var model = new TempDirectory();
        using var other = new TempDirectory();
        SaveModel(model, Small, seed: 5);
        SaveModel(other, Small with { Layers = [784, 64, 8] }, seed: 5);
        Assert.Equal(0, CliRun.Of("weights", "export", other.Path, "-o", other.File("w.safetensors")).ExitCode);

        CliRun run = CliRun.Of("weights", "import", other.File("w.safetensors"), "--like", model.Path, "-o", model.File("out"));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: {other.File("w.safetensors")}: tensor 'encoder.0.weight': expected shape [32, 784], found [64, 784]; the file holds the weights of another architecture.", run.Error.Trim());
        Assert.False(Directory.Exists(model.File("out")));

        CliRun vae = CliRun.Of("weights", "import", other.File("w.safetensors"), "--recipe", RecipePath("vae-784-400-20.json"), "-o", model.File("out"));
        Assert.Equal($"error: {other.File("w.safetensors")}: tensor 'encoder.0.weight': expected shape [400, 784], found [64, 784]; the file holds the weights of another architecture.", vae.Error.Trim());

        string tied = model.Write("tied.json", """{ "name": "tied", "model": { "kind": "dense", "layers": [784, 64, 8], "activation": "tanh", "tiedWeights": true } }""");
        CliRun missing = CliRun.Of("weights", "import", other.File("w.safetensors"), "--recipe", tied, "-o", model.File("out"));
        Assert.Equal(
            $"error: {other.File("w.safetensors")}: tensor 'decoder_bias.0': expected shape [64], found no such tensor (the file holds encoder.0.weight, encoder.0.bias, encoder.1.weight, encoder.1.bias, decoder.0.weight, decoder.0.bias, ...); it holds the weights of another architecture.",
            missing.Error.Trim());
        Assert.False(Directory.Exists(model.File("out")));
    }

    private static string RecipePath(string name) => Path.Combine(RepositoryFolder.Root, "recipes", name);

    [Theory]
    [InlineData("truncated", "tensor 'decoder.1.bias': expected data_offsets within the")]
    [InlineData("short", "offset 0: expected an 8-byte little-endian header length, found a file of 5 bytes.")]
    [InlineData("length", "offset 0: expected a header length of 2 to")]
    [InlineData("json", "header byte ")]
    [InlineData("dtype", "tensor 'encoder.0.weight': expected a dtype among F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL, found \"F99\".")]
    [InlineData("trailing", ": expected 206176 bytes of tensor data after the header, found 206179.")]
    public void A_corrupt_weights_file_is_refused_with_where_and_what(string damage, string expected)
    {
        using var model = new TempDirectory();
        SaveModel(model, Small, seed: 5);
        string path = model.File("w.safetensors");
        Assert.Equal(0, CliRun.Of("weights", "export", model.Path, "-o", path).ExitCode);
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = (int)BitConverter.ToInt64(bytes, 0);
        byte[] damaged = damage switch
        {
            "truncated" => bytes[..^10],
            "short" => bytes[..5],
            "length" => [.. BitConverter.GetBytes(long.MaxValue), .. bytes[8..]],
            "json" => [.. bytes[..8], (byte)'{', (byte)'x', .. bytes[10..]],
            "dtype" => System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(bytes, 0, 8 + headerLength).Replace("\"F32\"", "\"F99\"", StringComparison.Ordinal)).Concat(bytes[(8 + headerLength)..]).ToArray(),
            _ => [.. bytes, 1, 2, 3],
        };
        File.WriteAllBytes(path, damaged);

        CliRun run = CliRun.Of("weights", "import", path, "-o", model.File("out"));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"error: {path}: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(model.File("out")));
    }
}
