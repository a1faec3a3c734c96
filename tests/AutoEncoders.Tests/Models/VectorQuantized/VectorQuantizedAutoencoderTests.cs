using AutoEncoders.Evaluation;
using AutoEncoders.Interop.Onnx;
using AutoEncoders.Models.VectorQuantized;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Tests.Models.VectorQuantized;

public sealed class VectorQuantizedAutoencoderTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    [Fact]
    public void The_straight_through_gradient_reaches_the_encoder_and_an_ema_codebook_takes_none()
    {
        TorchRuntime.SetSeed(3);
        using var model = (VectorQuantizedAutoencoder)new VectorQuantizedAutoencoderConfig { Layers = [784, 64], CodeVectors = 4, EmbeddingSize = 4, CodebookSize = 8 }.Build();
        using var scope = NewDisposeScope();
        Tensor x = mnist.First(16).Features;
        model.eval();
        Tensor reconstruction = model.call(x).Reconstruction;

        // The reconstruction alone (no commitment term) must move the encoder: argmin has no gradient of its own.
        nn.functional.mse_loss(reconstruction, x).backward();
        foreach ((string name, Tensor p) in model.named_parameters().Where(p => p.name.StartsWith("encoder", StringComparison.Ordinal)))
        {
            Assert.True(p.grad is Tensor g && g.abs().sum().item<float>() > 0, $"{name} got no gradient through the quantiser");
        }

        Assert.False(model.Quantizer.Embedding.requires_grad);
        Assert.Null(model.Quantizer.Embedding.grad);
    }

    [Fact]
    public void The_ema_update_equals_the_hand_computed_one()
    {
        const double decay = 0.5, eps = 1e-5;
        using var model = (VectorQuantizedAutoencoder)new VectorQuantizedAutoencoderConfig { Layers = [4], CodeVectors = 1, EmbeddingSize = 2, CodebookSize = 2, Decay = decay, Epsilon = eps }.Build();
        VectorQuantizer quantizer = model.Quantizer;
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            quantizer.Embedding.copy_(tensor(new float[] { 0, 0, 1, 1 }).reshape(2, 2));
            quantizer.EmbeddingSum.copy_(quantizer.Embedding);
        }

        // Three vectors: the first nearest code 0, the other two code 1.
        Tensor z = tensor(new float[] { 0.1f, 0.2f, 0.9f, 1.0f, 1.2f, 0.8f }).reshape(3, 1, 2);
        VectorQuantization q = quantizer.Quantize(z, update: true);
        Assert.Equal([0L, 1L, 1L], q.Indices.reshape(-1).data<long>().ToArray());

        // N = 0.5 * 0 + 0.5 * [1, 2]; m = 0.5 * old codes + 0.5 * per-code sums; e = m / smoothed N.
        double[] n = [0.5 * 1, 0.5 * 2];
        double[][] m = [[(0.5 * 0) + (0.5 * 0.1), (0.5 * 0) + (0.5 * 0.2)], [(0.5 * 1) + (0.5 * 2.1), (0.5 * 1) + (0.5 * 1.8)]];
        double total = n.Sum();
        double[] smoothed = [.. n.Select(c => (c + eps) / (total + (2 * eps)) * total)];
        Assert.Equal(n, quantizer.ClusterSize.to(ScalarType.Float64).data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        float[] codebook = quantizer.Embedding.data<float>().ToArray();
        for (int i = 0; i < 2; i++)
        {
            for (int d = 0; d < 2; d++)
            {
                Assert.Equal(m[i][d] / smoothed[i], codebook[(i * 2) + d], 1e-5);
            }
        }

        // Losses use the codebook before the update: beta * mean ||z - e_old||^2 over 3 x 2 values.
        double commitment = 0.25 * (Math.Pow(0.1, 2) + Math.Pow(0.2, 2) + Math.Pow(0.1, 2) + 0 + Math.Pow(0.2, 2) + Math.Pow(0.2, 2)) / 6;
        Assert.Equal(commitment, q.Commitment.item<float>(), 1e-6);
        // Histogram [1/3, 2/3]: perplexity exp(H); both codes used.
        Assert.Equal(Math.Exp(-((1.0 / 3 * Math.Log(1.0 / 3)) + (2.0 / 3 * Math.Log(2.0 / 3)))), q.Perplexity.item<float>(), 1e-5);
        Assert.Equal(1.0, q.UsedFraction.item<float>());

        // Evaluation mode moves nothing.
        Tensor before = quantizer.Embedding.clone();
        quantizer.Quantize(z, update: false);
        Assert.True(before.equal(quantizer.Embedding).all().item<bool>());
    }

    [Fact]
    public void After_short_training_on_digits_the_codebook_is_not_collapsed_and_samples_are_codebook_vectors()
    {
        TorchRuntime.SetSeed(7);
        var config = new VectorQuantizedAutoencoderConfig { Layers = [784, 256], CodeVectors = 8, EmbeddingSize = 8, CodebookSize = 32 };
        using var model = (VectorQuantizedAutoencoder)config.Build();
        var objective = new Objective { Reconstruction = new BinaryCrossEntropy() };
        var options = new TrainerOptions { Epochs = 3, BatchSize = 64, Seed = 2, Progress = ProgressMode.Silent, Optimizer = new OptimizerOptions { LearningRate = 2e-3 } };
        using var trainer = new Trainer(model, objective, options);
        TensorDataset train = mnist.Test.Slice(0, 2000), test = mnist.Test.Slice(9000, 500);
        TrainingHistory history = trainer.Fit(train);
        Assert.Equal(["loss", "bce", "commitment", "perplexity", "codes_used"], history.Epochs[0].Train.Keys);
        Assert.True(history.Epochs[^1].Train["bce"] < history.Epochs[0].Train["bce"]);

        model.eval();
        IReadOnlyDictionary<string, double> metrics = model.EvaluationMetrics(test, new ModelEvaluationOptions());
        Assert.True(metrics["codebook_perplexity"] > 8, $"perplexity {metrics["codebook_perplexity"]:F2} of 32 codes: the codebook collapsed");
        Assert.True(metrics["codebook_used_fraction"] > 0.5, $"used fraction {metrics["codebook_used_fraction"]:F2}");

        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        Tensor codes = model.SamplePrior(5, generator);
        Assert.Equal([5L, 8, 8], codes.shape);
        // Every sampled vector is a codebook entry, and decoding gives images in [0, 1].
        Tensor indices = model.Quantizer.NearestCodes(codes);
        Assert.True(model.Quantizer.Lookup(indices).equal(codes).all().item<bool>());
        Tensor images = model.Decode(codes);
        Assert.Equal([5L, 784], images.shape);
        Assert.Equal(new long[] { 4, 8 }, model.EncodeIndices(test.Features.narrow(0, 0, 4)).shape);
    }

    [Theory]
    [InlineData("codebookSize", 0)]
    [InlineData("decay", 0)]
    [InlineData("decay", 1)]
    [InlineData("commitmentCost", -0.1)]
    public void Settings_that_cannot_work_are_refused_naming_the_field(string field, double value)
    {
        var good = new VectorQuantizedAutoencoderConfig();
        good.Validate();
        VectorQuantizedAutoencoderConfig bad = field switch
        {
            "codebookSize" => good with { CodebookSize = (int)value },
            "decay" => good with { Decay = value },
            _ => good with { CommitmentCost = value },
        };
        Assert.StartsWith(field, Assert.Throws<ArgumentException>(bad.Validate).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Onnx_export_is_refused_in_one_sentence()
    {
        using var model = new VectorQuantizedAutoencoderConfig { Layers = [16], CodeVectors = 2, EmbeddingSize = 2, CodebookSize = 4 }.Build();
        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.Build(model));
        Assert.Contains("VectorQuantizedAutoencoder", e.Message, StringComparison.Ordinal);
    }
}
