using System.Text.Json;
using AutoEncoders.Interop.PyTorch;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Tests.Cli;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Interop.PyTorch;

/// <summary>
/// Round trips with Debian's PyTorch (python3-torch 1.13, installed by scripts/setup.sh) through dense_peer.py,
/// which builds the torch.nn.Sequential equivalent of the dense model from the names in docs/interop.md.
/// </summary>
public sealed class PyTorchPeerTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private const double Tolerance = 1e-5;

    private static string Script => Path.Combine(RepositoryFolder.Root, "tests", "AutoEncoders.Tests", "Interop", "PyTorch", "dense_peer.py");

    private static JsonElement Python(params string[] arguments)
    {
        (int code, string output, string error) = ChildProcess.Run("/usr/bin/python3", [Script, .. arguments], TimeSpan.FromMinutes(4));
        Assert.True(code == 0, $"dense_peer.py {arguments[0]} failed (Debian's python3-torch comes from scripts/setup.sh):\n{error}");
        return JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
    }

    [Fact]
    public void An_exported_dense_model_gives_the_same_outputs_in_the_equivalent_torch_nn_sequential()
    {
        using var directory = new TempDirectory();
        var config = new DenseAutoencoderConfig
        {
            Layers = [784, 128, 64, 16],
            EncoderActivations = [Activation.Relu, Activation.LeakyRelu, Activation.Linear],
            DecoderActivations = [Activation.Elu, Activation.Tanh, Activation.Sigmoid],
            BatchNorm = true,
        };
        TorchRuntime.SetSeed(11);
        using Autoencoder model = config.Build();
        BriefTraining.Run(model, mnist.First(512).Features);
        Tensor x = mnist.First(256).Features;
        using var trained = new TrainedAutoencoder(model, new ModelManifest { Model = config });
        trained.Save(directory.File("model"));
        using Tensor code = trained.Encode(x);
        using Tensor reconstruction = trained.Decode(code);
        new SafetensorsFile([SafetensorsTensor.FromTensor("input", x), SafetensorsTensor.FromTensor("code", code), SafetensorsTensor.FromTensor("reconstruction", reconstruction)])
            .Write(directory.File("batch.safetensors"));
        CliRun export = CliRun.Of("weights", "export", directory.File("model"), "-o", directory.File("w.safetensors"));
        Assert.True(export.ExitCode == 0, export.Error);

        JsonElement differences = Python("check", directory.File("w.safetensors"), directory.File("batch.safetensors"));

        Assert.True(differences.GetProperty("code").GetDouble() <= Tolerance, differences.ToString());
        Assert.True(differences.GetProperty("reconstruction").GetDouble() <= Tolerance, differences.ToString());
        Assert.True(differences.GetProperty("code_scale").GetDouble() > 0.5, "the codes are not trivially small");
    }

    [Fact]
    public void A_dense_model_trained_in_pytorch_loads_through_ae_weights_import_and_reproduces_its_outputs()
    {
        using var directory = new TempDirectory();
        const string model = """{ "kind": "dense", "layers": [784, 64, 16], "activation": "tanh", "codeActivation": "linear", "outputActivation": "sigmoid", "batchNorm": true }""";
        string recipe = directory.Write("recipe.json", $$"""{ "name": "from-pytorch", "model": {{model}}, "objective": { "reconstruction": { "kind": "mse" } } }""");

        JsonElement losses = Python("train", model, TestData.MnistTrain10kImages, directory.File("w.safetensors"), directory.File("batch.safetensors"));
        CliRun import = CliRun.Of("weights", "import", directory.File("w.safetensors"), "--recipe", recipe, "-o", directory.File("model"));

        Assert.True(losses.GetProperty("last_loss").GetDouble() < 0.8 * losses.GetProperty("first_loss").GetDouble(), losses.ToString());
        Assert.True(import.ExitCode == 0, import.Error);
        using TrainedAutoencoder loaded = TrainedAutoencoder.Load(directory.File("model"));
        SafetensorsFile batch = SafetensorsFile.Read(directory.File("batch.safetensors"));
        using Tensor x = batch.Find("input")!.ToTensor();
        using Tensor code = loaded.Encode(x);
        using Tensor reconstruction = loaded.Reconstruct(x);
        using Tensor expectedCode = batch.Find("code")!.ToTensor();
        using Tensor expectedReconstruction = batch.Find("reconstruction")!.ToTensor();
        Assert.True(code.sub(expectedCode).abs().max().item<float>() <= Tolerance);
        Assert.True(reconstruction.sub(expectedReconstruction).abs().max().item<float>() <= Tolerance);
        Assert.True(expectedCode.abs().max().item<float>() > 0.5);
    }
}
