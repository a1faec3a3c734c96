using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Cli;

public sealed class GenerateCommandTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private string SaveTinyVae(TempDirectory directory)
    {
        TorchRuntime.SetSeed(31);
        var config = new VariationalAutoencoderConfig { Layers = [784, 32, 4] };
        var objective = new Objective { Reconstruction = new NegativeLogLikelihood(), Penalties = [new KlDivergence()] };
        using Autoencoder model = config.Build();
        using (var trainer = new Trainer(model, objective, new TrainerOptions { Epochs = 2, BatchSize = 50, Progress = ProgressMode.Silent }))
        {
            trainer.Fit(mnist.First(300));
        }

        string path = Path.Combine(directory.Path, "vae");
        new TrainedAutoencoder(model, new ModelManifest { Model = config, Objective = objective }).Save(path);
        return path;
    }

    [Fact]
    public void Generate_interpolate_and_eval_a_variational_model_from_the_command_line()
    {
        using var dir = new TempDirectory();
        string model = SaveTinyVae(dir);

        CliRun first = CliRun.Of("generate", model, "-o", dir.File("a.png"), "--values", dir.File("a.npy"), "--count", "10", "--seed", "4", "--threads", "1");
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(File.Exists(dir.File("a.png")));
        Assert.Equal(0, CliRun.Of("generate", model, "-o", dir.File("b.png"), "--values", dir.File("b.npy"), "--count", "10", "--seed", "4").ExitCode);
        Assert.Equal(0, CliRun.Of("generate", model, "-o", dir.File("c.png"), "--values", dir.File("c.npy"), "--count", "10", "--seed", "5").ExitCode);
        using (var scope = torch.NewDisposeScope())
        {
            Tensor a = NpyFile.Read(dir.File("a.npy")), b = NpyFile.Read(dir.File("b.npy")), c = NpyFile.Read(dir.File("c.npy"));
            Assert.Equal([10L, 784L], a.shape);
            Assert.True(a.equal(b).all().item<bool>(), "the same seed should generate the same samples");
            Assert.False(a.allclose(c), "another seed should generate other samples");
            Assert.InRange(a.min().item<float>(), 0f, 1f);
        }

        CliRun grid = CliRun.Of("generate", model, "--grid", "--grid-steps", "3", "-o", dir.File("grid.png"), "--values", dir.File("grid.csv"));
        Assert.True(grid.ExitCode == 0, grid.Error);
        Assert.Equal(10, File.ReadAllLines(dir.File("grid.csv")).Length);

        string images = TestData.MnistTestImages;
        CliRun interpolate = CliRun.Of("interpolate", model, "--images", images, "--limit", "20", "--from", "0", "--to", "1", "--steps", "5", "-o", dir.File("i.png"), "--values", dir.File("i.npy"));
        Assert.True(interpolate.ExitCode == 0, interpolate.Error);
        using (TrainedAutoencoder loaded = TrainedAutoencoder.Load(model))
        using (var scope = torch.NewDisposeScope())
        {
            Tensor strip = NpyFile.Read(dir.File("i.npy"));
            Assert.Equal([5L, 784L], strip.shape);
            Tensor x = mnist.First(2).Features;
            Tensor ends = loaded.Decode(loaded.Encode(x)).reshape(2, -1);
            Assert.True(strip[0].allclose(ends[0], atol: 1e-5), "the strip starts at the decoding of the first input's mean");
            Assert.True(strip[4].allclose(ends[1], atol: 1e-5), "and ends at the second's");
        }

        CliRun eval = CliRun.Of("eval", model, "--images", images, "--limit", "50", "--iwae-samples", "20", "--json");
        Assert.True(eval.ExitCode == 0, eval.Error);
        var metrics = JsonSerializer.Deserialize<Dictionary<string, double>>(eval.Output)!;
        Assert.True(metrics["elbo"] < -50, $"ELBO in nats per example expected; got {metrics["elbo"]}");
        Assert.True(metrics["iwae_k20"] > metrics["elbo_on_iwae_subset"], "IWAE k=20 should exceed the ELBO on the same images");
        Assert.Equal(50, metrics["iwae_examples"]);
    }

    [Fact]
    public void A_chain_needs_a_corruption_and_iwae_needs_a_variational_model()
    {
        using var dir = new TempDirectory();
        var config = new DenseAutoencoderConfig { Layers = [784, 8] };
        TorchRuntime.SetSeed(32);
        using (Autoencoder model = config.Build())
        {
            new TrainedAutoencoder(model, new ModelManifest { Model = config }).Save(dir.File("dense"));
        }

        CliRun chain = CliRun.Of("generate", dir.File("dense"), "--chain", "--images", TestData.MnistTestImages, "--limit", "4", "-o", dir.File("c.png"));
        Assert.Equal(1, chain.ExitCode);
        Assert.Contains("--noise", chain.Error, StringComparison.Ordinal);

        CliRun withNoise = CliRun.Of("generate", dir.File("dense"), "--chain", "--noise", "masking:0.3", "--chain-steps", "3", "--images", TestData.MnistTestImages, "--limit", "4", "-o", dir.File("c.png"), "--values", dir.File("c.npy"));
        Assert.True(withNoise.ExitCode == 0, withNoise.Error);
        Assert.Equal([4L, 784L], NpyFile.Read(dir.File("c.npy")).shape);

        CliRun iwae = CliRun.Of("eval", dir.File("dense"), "--images", TestData.MnistTestImages, "--limit", "10", "--iwae-samples", "5");
        Assert.Equal(1, iwae.ExitCode);
        Assert.Contains("variational", iwae.Error, StringComparison.Ordinal);
    }
}
