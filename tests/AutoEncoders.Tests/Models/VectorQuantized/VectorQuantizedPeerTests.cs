using System.Globalization;
using System.Text.Json;
using AutoEncoders.Evaluation;
using AutoEncoders.Models.VectorQuantized;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Tests.Models.VectorQuantized;

/// <summary>
/// Our VQ-VAE against bench/generative/peer_vqvae.py (Debian's PyTorch 1.13, from scripts/setup.sh) on the same
/// initial weights, codebook and data order: every op of a training step (straight-through estimator, commitment
/// and codebook losses, EMA update with Laplace smoothing, Adam, BCE on logits) must agree to float rounding, so the
/// per-epoch training losses and the trained model's reconstructions match after 80 steps. A different loss reduction, EMA
/// formula, update order, Adam setting or initialisation moves them by far more than the tolerance.
/// </summary>
public sealed class VectorQuantizedPeerTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private const int Seed = 5;
    private const int Examples = 500;
    private const int Epochs = 4;

    [Theory]
    [InlineData(CodebookUpdate.Ema)]
    [InlineData(CodebookUpdate.Loss)]
    public void Training_matches_the_pytorch_peer_step_for_step(CodebookUpdate update)
    {
        string root = RepositoryFolder.Root;
        string images = TestData.MnistTestImages;
        string variant = update == CodebookUpdate.Ema ? "ema" : "loss";
        (int code, string output, string error) = ChildProcess.Run(
            "/usr/bin/python3",
            [Path.Combine(root, "bench", "generative", "peer_vqvae.py"), "--train", images, "--test", images, "--train-limit", Inv(Examples), "--test-limit", Inv(Examples),
             "--epochs", Inv(Epochs), "--batch-size", "25", "--lr", "0.003", "--seed", Inv(Seed), "--codebook", variant,
             "--hidden", "64", "--code-vectors", "4", "--embedding-size", "4", "--codebook-size", "16"],
            TimeSpan.FromMinutes(4));
        Assert.True(code == 0, $"peer_vqvae.py failed (Debian's python3-torch comes from scripts/setup.sh):\n{error}");
        JsonElement peer = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;

        TorchRuntime.SetSeed(Seed);
        var config = new VectorQuantizedAutoencoderConfig { Layers = [784, 64], CodeVectors = 4, EmbeddingSize = 4, CodebookSize = 16, CodebookUpdate = update };
        using var model = (VectorQuantizedAutoencoder)config.Build();
        var options = new TrainerOptions { Epochs = Epochs, BatchSize = 25, Seed = Seed, Progress = ProgressMode.Silent, Optimizer = new OptimizerOptions { LearningRate = 3e-3 } };
        TensorDataset data = mnist.First(Examples);
        TrainingHistory history;
        using (var trainer = new Trainer(model, new Objective { Reconstruction = new BinaryCrossEntropy() }, options))
        {
            history = trainer.Fit(data);
        }

        double[] peerLosses = [.. peer.GetProperty("epoch_losses").EnumerateArray().Select(e => e.GetDouble())];
        double[] ours = [.. history.Epochs.Select(e => e.Train["loss"])];
        Assert.Equal(Epochs, peerLosses.Length);
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            Assert.True(Math.Abs(ours[epoch] - peerLosses[epoch]) <= 1e-5 * peerLosses[epoch], $"epoch {epoch + 1}: loss {ours[epoch]:F7} here, {peerLosses[epoch]:F7} in PyTorch");
        }

        // The losses fell (so the comparison covers a model that learned), and the trained models reconstruct alike
        // (ours clamps probabilities to [1e-7, 1 - 1e-7], the peer works on logits: equal to 1e-4 relative here).
        Assert.True(ours[^1] < 0.6 * ours[0], $"losses {string.Join(", ", ours)}");
        model.eval();
        using var scope = NewDisposeScope();
        double bce = ReconstructionMetrics.Compute(data.Features, model.Reconstruct(data.Features)).BinaryCrossEntropy;
        double peerBce = peer.GetProperty("bce_per_value").GetDouble();
        Assert.True(Math.Abs(bce - peerBce) <= 1e-4 * peerBce, $"test BCE {bce:F7} here, {peerBce:F7} in PyTorch");
        double perplexity = model.CodebookUsage(data).Perplexity;
        Assert.Equal(peer.GetProperty("codebook_perplexity").GetDouble(), perplexity, 1e-6);
    }

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);
}
