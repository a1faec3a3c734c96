using AutoEncoders.Interop.Onnx;
using AutoEncoders.Models;
using AutoEncoders.Models.Convolutional;
using AutoEncoders.Models.Dense;
using AutoEncoders.Models.Sequence;
using AutoEncoders.Models.Variational;
using AutoEncoders.Onnx;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Interop.WithoutLibTorch;

/// <summary>
/// The AutoEncoders.Onnx package on files the main library exported: it computes what TorchSharp computes (at most
/// 1e-5 apart) for one row, a span of rows and a list of rows, reads the metadata, and refuses what is not an export.
/// </summary>
public sealed class OnnxAutoencoderPackageTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private const float Tolerance = 1e-5f;

    private static float MaxDifference(Tensor expected, ReadOnlySpan<float> actual)
    {
        float[] e = expected.contiguous().data<float>().ToArray();
        Assert.Equal(e.Length, actual.Length);
        float max = 0;
        for (int i = 0; i < e.Length; i++)
        {
            max = Math.Max(max, Math.Abs(e[i] - actual[i]));
        }

        return max;
    }

    [Fact]
    public void The_package_encodes_decodes_reconstructs_and_scores_like_torchsharp()
    {
        using var directory = new TempDirectory();
        TorchRuntime.SetSeed(21);
        var config = new DenseAutoencoderConfig { Layers = [784, 96, 24], BatchNorm = true, Activation = Activation.Elu };
        using Autoencoder model = config.Build();
        BriefTraining.Run(model, mnist.First(512).Features, steps: 10);
        OnnxExporter.Export(model, directory.Path);
        Tensor x = mnist.Test.Features.slice(0, 1000, 1064, 1).contiguous();
        float[] rows = x.data<float>().ToArray();
        using var noGrad = torch.no_grad();
        Tensor code = model.Encode(x);
        Tensor reconstruction = model.Reconstruct(x);

        using var onnx = OnnxAutoencoder.Load(directory.Path, new OnnxAutoencoderOptions { IntraOpThreads = 1 });

        Assert.Equal("dense", onnx.Kind);
        Assert.Equal([784L], onnx.InputShape);
        Assert.Equal(24, onnx.CodeSize);
        Assert.Null(onnx.Threshold);
        Assert.Contains("\"batchNorm\":true", onnx.Config, StringComparison.Ordinal);
        Assert.True(MaxDifference(code, onnx.Encode(rows)) <= Tolerance);
        Assert.True(MaxDifference(code[0], onnx.Encode(rows.AsSpan(0, 784))) <= Tolerance);
        float[][] listed = onnx.Encode([rows[..784], rows[784..1568]]);
        Assert.True(MaxDifference(code[..2], [.. listed[0], .. listed[1]]) <= Tolerance);
        Assert.True(MaxDifference(model.Decode(code), onnx.Decode(code.data<float>().ToArray())) <= Tolerance);
        Assert.True(MaxDifference(reconstruction, onnx.Reconstruct(rows)) <= Tolerance);
        Tensor meanSquaredError = (reconstruction - x).square().mean([1]);
        Assert.True(MaxDifference(meanSquaredError, onnx.Score(rows)) <= 1e-6f);
        Assert.True(meanSquaredError.min().item<float>() > 0.001f, "the reconstructions are not trivially exact");
        Assert.Empty(onnx.Encode(ReadOnlySpan<float>.Empty));
    }

    public static TheoryData<string> OtherKinds => ["vae", "conv-unpool", "conv-vae", "sequence-gru"];

    [Theory]
    [MemberData(nameof(OtherKinds))]
    public void The_package_runs_the_other_kinds_like_torchsharp(string kind)
    {
        using var directory = new TempDirectory();
        TorchRuntime.SetSeed(23);
        using Autoencoder model = kind switch
        {
            "vae" => new VariationalAutoencoderConfig { Layers = [784, 64, 8] }.Build(),
            "conv-unpool" => ConvolutionalRecipes.UnpoolingModel().Build(),
            "conv-vae" => Recipe.Load(Path.Combine(RepositoryFolder.Root, "recipes", "conv-vae-mnist.json")).Model.Build(),
            _ => new SequenceAutoencoderConfig { SequenceLength = 12, Features = 2, Cell = RecurrentCell.Gru, HiddenSize = 8, Layers = 2, Bidirectional = true, CodeSize = 4 }.Build(),
        };
        model.eval();
        OnnxExporter.Export(model, directory.Path);
        long[] shape = model.Config.InputShape;
        Tensor x = kind.StartsWith("sequence", StringComparison.Ordinal)
            ? torch.randn([8, .. shape])
            : mnist.Test.Features.slice(0, 0, 8, 1).reshape([8, .. shape]).contiguous();
        float[] rows = x.data<float>().ToArray();
        using var noGrad = torch.no_grad();

        using var onnx = OnnxAutoencoder.Load(directory.Path);

        Assert.Equal(shape, onnx.InputShape);
        Tensor code = model.Encode(x).reshape(8, -1);
        Assert.True(MaxDifference(code, onnx.Encode(rows)) <= Tolerance, $"{kind} encode");
        Assert.True(MaxDifference(model.Reconstruct(x), onnx.Reconstruct(rows)) <= Tolerance, $"{kind} reconstruct");
        Assert.Equal(kind != "conv-unpool", onnx.Files.Contains(OnnxAutoencoder.DecoderFile));
        if (kind != "conv-unpool")
        {
            Assert.True(MaxDifference(model.Decode(code), onnx.Decode(code.data<float>().ToArray())) <= Tolerance, $"{kind} decode");
        }
    }

    [Fact]
    public void An_image_model_exported_by_ae_export_takes_raw_pixels_through_normalise()
    {
        using var directory = new TempDirectory();
        TorchRuntime.SetSeed(24);
        ModelConfig config = ConvolutionalRecipes.KerasModel();
        using Autoencoder model = config.Build();
        model.eval();
        new AutoEncoders.Persistence.TrainedAutoencoder(model, new AutoEncoders.Persistence.ModelManifest { Model = config }).Save(directory.File("model"));
        Assert.Equal(0, Cli.CliRun.Of("export", directory.File("model"), "-o", directory.File("onnx")).ExitCode);
        Tensor x = mnist.Test.Features.slice(0, 0, 4, 1).reshape([4, .. config.InputShape]).contiguous();
        float[] raw = x.data<float>().ToArray().Select(v => v * 255).ToArray();
        using var noGrad = torch.no_grad();

        using var onnx = OnnxAutoencoder.Load(directory.File("onnx"));

        Assert.Equal("{\"kind\":\"scale\",\"divide\":255}", onnx.Normalisation);
        Assert.True(MaxDifference(model.Encode(x).reshape(4, -1), onnx.Encode(onnx.Normalise(raw))) <= Tolerance);
    }

    [Fact]
    public void Table_normalisations_scale_each_column_and_bad_ones_are_refused()
    {
        float[] z = InputNormalisation.Parse("""{"kind":"zscore","mean":[1,2],"std":[2,0],"columns":["a","b"]}""", [2], "f").Apply([3, 5, 1, 2]);
        float[] m = InputNormalisation.Parse("""{"kind":"minmax","min":[0,10],"max":[4,10]}""", [2], "f").Apply([2, 11]);

        float[] c = InputNormalisation.Parse("""{"kind":"zscore","per":"channel","mean":[0.5,-1],"std":[1,0.25]}""", [3, 2], "f").Apply([0.5f, -1, 1.5f, -0.5f, 2.5f, 0]);

        Assert.Equal([1f, 3f, 0f, 0f], z);
        Assert.Equal([0f, 0f, 1f, 2f, 2f, 4f], c);
        Assert.Equal([0.5f, 1f], m);
        var e = Assert.Throws<InvalidDataException>(() => InputNormalisation.Parse("""{"kind":"zscore","mean":[1],"std":[2]}""", [2], "f.onnx"));
        Assert.StartsWith("f.onnx: metadata \"ae.normalisation\": expected {\"kind\":\"none\"}", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"mean\" holds 1 values", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_package_assembly_needs_onnx_runtime_only()
    {
        string[] references = typeof(OnnxAutoencoder).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        Assert.Contains("Microsoft.ML.OnnxRuntime", references);
        Assert.DoesNotContain(references, r => r.StartsWith("TorchSharp", StringComparison.Ordinal) || r.StartsWith("AutoEncoders", StringComparison.Ordinal));
    }

    [Fact]
    public void What_is_not_an_export_is_refused_with_file_where_and_what()
    {
        using var directory = new TempDirectory();
        TorchRuntime.SetSeed(22);
        using Autoencoder model = new DenseAutoencoderConfig { Layers = [784, 16] }.Build();
        OnnxExporter.Export(model, directory.Path);
        using var good = OnnxAutoencoder.Load(directory.Path);
        var rowError = Assert.Throws<ArgumentException>(() => good.Encode(new float[785]));
        Assert.StartsWith("encoder.onnx: input \"input\": expected whole rows of 784 values (shape [784]), found 785 values.", rowError.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => good.Encode([new float[783]]));

        File.WriteAllBytes(directory.File("encoder.onnx"), [.. File.ReadAllBytes(directory.File("encoder.onnx")).Take(300)]);
        var corrupt = Assert.Throws<InvalidDataException>(() => OnnxAutoencoder.Load(directory.Path));
        Assert.StartsWith($"{directory.File("encoder.onnx")}: model: expected an ONNX model ONNX Runtime loads; ", corrupt.Message, StringComparison.Ordinal);

        File.Delete(directory.File("encoder.onnx"));
        var builder = new OnnxGraphBuilder();
        builder.Output("code", builder.Input("input", [4]), [4]);
        File.WriteAllBytes(directory.File("decoder.onnx"), builder.ToModel("plain", []));
        var foreign = Assert.Throws<InvalidDataException>(() => OnnxAutoencoder.Load(directory.Path));
        Assert.Equal($"{directory.File("decoder.onnx")}: metadata \"ae.format\": expected \"1\" (a file written by `ae export --format onnx`), found none.", foreign.Message);

        File.Delete(directory.File("decoder.onnx"));
        using var withoutEncoder = OnnxAutoencoder.Load(directory.Path);
        Assert.Equal([OnnxAutoencoder.AutoencoderFile], withoutEncoder.Files);
        Assert.StartsWith($"{Path.Combine(withoutEncoder.Directory, "encoder.onnx")}: missing", Assert.Throws<InvalidOperationException>(() => withoutEncoder.Encode(new float[784])).Message, StringComparison.Ordinal);
        File.Delete(directory.File("autoencoder.onnx"));
        Assert.Contains("holds none of encoder.onnx", Assert.Throws<FileNotFoundException>(() => OnnxAutoencoder.Load(directory.Path)).Message, StringComparison.Ordinal);
    }
}
