using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Tests.Models.Variational;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Cli;

public sealed class ConvolutionalVariationalCommandTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    [Fact]
    public void Generate_interpolate_eval_and_summary_work_on_a_convolutional_vae()
    {
        using var dir = new TempDirectory();
        TorchRuntime.SetSeed(45);
        ConvolutionalVariationalAutoencoderConfig config = ConvolutionalVariationalAutoencoderTests.Tiny();
        Objective objective = ConvolutionalVariationalAutoencoderTests.NegativeElbo();
        using (Autoencoder net = config.Build())
        {
            using (var trainer = new Trainer(net, objective, new TrainerOptions { Epochs = 2, BatchSize = 50, Progress = ProgressMode.Silent }))
            {
                trainer.Fit(mnist.First(300));
            }

            new TrainedAutoencoder(net, new ModelManifest { Model = config, Objective = objective }).Save(dir.File("cvae"));
        }

        string model = dir.File("cvae");
        CliRun samples = CliRun.Of("generate", model, "-o", dir.File("a.png"), "--values", dir.File("a.npy"), "--count", "10", "--seed", "4", "--threads", "1");
        Assert.True(samples.ExitCode == 0, samples.Error);
        Assert.True(File.Exists(dir.File("a.png")));
        Assert.Equal(0, CliRun.Of("generate", model, "-o", dir.File("b.png"), "--values", dir.File("b.npy"), "--count", "10", "--seed", "4").ExitCode);
        using (var scope = torch.NewDisposeScope())
        {
            Tensor a = NpyFile.Read(dir.File("a.npy")), b = NpyFile.Read(dir.File("b.npy"));
            Assert.Equal([10L, 784L], a.shape);
            Assert.True(a.equal(b).all().item<bool>(), "the same seed should generate the same samples");
            Assert.InRange(a.min().item<float>(), 0f, 1f);
            Assert.InRange(a.max().item<float>(), 0f, 1f);
        }

        CliRun grid = CliRun.Of("generate", model, "--grid", "--grid-steps", "3", "-o", dir.File("grid.png"), "--values", dir.File("grid.csv"));
        Assert.True(grid.ExitCode == 0, grid.Error);
        Assert.Equal(10, File.ReadAllLines(dir.File("grid.csv")).Length);

        CliRun interpolate = CliRun.Of("interpolate", model, "--images", TestData.MnistTestImages, "--limit", "20", "--from", "0", "--to", "1", "--steps", "5", "-o", dir.File("i.png"), "--values", dir.File("i.npy"));
        Assert.True(interpolate.ExitCode == 0, interpolate.Error);
        Assert.Equal([5L, 784L], NpyFile.Read(dir.File("i.npy")).shape);

        CliRun eval = CliRun.Of("eval", model, "--images", TestData.MnistTestImages, "--limit", "50", "--iwae-samples", "20", "--json");
        Assert.True(eval.ExitCode == 0, eval.Error);
        var metrics = JsonSerializer.Deserialize<Dictionary<string, double>>(eval.Output)!;
        Assert.True(metrics["elbo"] is < -50 and > -600, $"ELBO in nats per example expected; got {metrics["elbo"]}");
        Assert.Equal(-metrics["elbo"], metrics["loss"], 0.05 * metrics["loss"]);
        Assert.True(metrics["iwae_k20"] > metrics["elbo_on_iwae_subset"], "IWAE k=20 should exceed the ELBO on the same images");
        Assert.Equal(50, metrics["iwae_examples"]);

        CliRun summary = CliRun.Of("summary", model);
        Assert.True(summary.ExitCode == 0, summary.Error);
        Assert.Contains("decoder_input (Linear+relu+reshape)", summary.Output, StringComparison.Ordinal);
        Assert.Contains("(None, 16, 7, 7)", summary.Output, StringComparison.Ordinal);
    }
}
