using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Objectives.Corruptions;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using AutoEncoders.Training.Pretraining;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Training;

public sealed class LayerwisePretrainerTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private static PretrainingLayer Denoising(int epochs = 2) => new()
    {
        Activation = Activation.Sigmoid,
        Objective = new Objective { Reconstruction = new BinaryCrossEntropy(), Corruption = new MaskingNoise { Fraction = 0.25 } },
        Training = new TrainerOptions { Epochs = epochs, BatchSize = 64, Seed = 3, Progress = ProgressMode.Silent, Optimizer = new OptimizerOptions { LearningRate = 3e-3 } },
    };

    private static LayerwisePretrainingOptions Options(PretrainingMode mode, int epochs = 2) => new()
    {
        Layers = [784, 64, 32, 16],
        LayerSettings = [Denoising(epochs)],
        Mode = mode,
    };

    [Fact]
    public void Frozen_outer_layers_are_bit_identical_after_the_next_stage_and_the_inner_pair_changes()
    {
        TorchRuntime.SetSeed(5);
        TensorDataset data = mnist.First(512);
        LayerwisePretrainingOptions options = Options(PretrainingMode.FrozenStack, epochs: 1);
        using var stack = (DenseAutoencoder)LayerwisePretrainer.StackConfig(options).Build();
        LayerwisePretrainer.TrainStackStage(stack, 0, data.Features, data.Features, options.Layer(0));
        Dictionary<string, Tensor> before = stack.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());

        // Stage 0 left gradients on the outer pair; had stage 1 not frozen them, backpropagating through the outer
        // decoder would add to them, so they must come out of stage 1 untouched too.
        Dictionary<string, Tensor> gradientsBefore = stack.named_parameters().Where(p => p.parameter.grad is not null)
            .ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        Assert.Contains("decoder.2.weight", gradientsBefore.Keys);

        Tensor cached = LayerwisePretrainer.EncodeThrough(stack, data.Features, 1);
        LayerwisePretrainer.TrainStackStage(stack, 1, cached, data.Features, options.Layer(1));
        Dictionary<string, Tensor> after = stack.state_dict();
        Dictionary<string, Tensor> parametersAfter = stack.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        Assert.Equal(["decoder.2.bias", "decoder.2.weight", "encoder.0.bias", "encoder.0.weight"], gradientsBefore.Keys.Order());
        foreach ((string name, Tensor gradient) in gradientsBefore)
        {
            Assert.True(gradient.equal(parametersAfter[name].grad!).all().item<bool>(), $"{name} received gradient in stage 1 although frozen");
        }

        // Stage 1 trains encoder.1 and its mirror decoder.1 (of 3); encoder.0/decoder.2 (outer, frozen) and the
        // untouched innermost pair encoder.2/decoder.0 must not move by a single bit.
        string[] trained = ["encoder.1.weight", "encoder.1.bias", "decoder.1.weight", "decoder.1.bias"];
        Assert.Equal(12, before.Count);
        foreach ((string name, Tensor value) in before)
        {
            bool identical = value.equal(after[name]).all().item<bool>();
            if (trained.Contains(name))
            {
                Assert.False(identical, $"{name} should have been trained in stage 1");
            }
            else
            {
                Assert.True(identical, $"{name} was frozen in stage 1 but changed");
            }
        }

        Assert.All(stack.parameters(), p => Assert.True(p.requires_grad));
    }

    [Theory]
    [InlineData(PretrainingMode.SeparateAutoencoders)]
    [InlineData(PretrainingMode.FrozenStack)]
    public void Both_ways_give_a_deep_autoencoder_that_reconstructs_better_than_its_initialisation(PretrainingMode mode)
    {
        TensorDataset data = mnist.First(1024);
        TensorDataset held = mnist.Test.Slice(5000, 500);
        LayerwisePretrainingOptions options = Options(mode);
        var plain = new Objective { Reconstruction = new BinaryCrossEntropy() };
        var quiet = new TrainerOptions { Progress = ProgressMode.Silent };

        TorchRuntime.SetSeed(9);
        using Autoencoder fresh = LayerwisePretrainer.StackConfig(options).Build();
        using var freshTrainer = new Trainer(fresh, plain, quiet);
        double initial = freshTrainer.Evaluate(held)["loss"];

        TorchRuntime.SetSeed(9);
        LayerwisePretrainingResult result = LayerwisePretrainer.Pretrain(data, options);
        using DenseAutoencoder model = result.Model;
        using var trainer = new Trainer(model, plain, quiet);
        double pretrained = trainer.Evaluate(held)["loss"];

        Assert.Equal(3, result.LayerHistories.Count);
        Assert.All(result.LayerHistories, h => Assert.Equal(2, h.Epochs.Count));
        Assert.Equal(model.Config, result.Config);
        Assert.True(pretrained < 0.75 * initial, $"{mode}: held-out BCE {pretrained:F4} should fall well below the initial {initial:F4}");
    }

    [Theory]
    [InlineData(PretrainingMode.SeparateAutoencoders)]
    [InlineData(PretrainingMode.FrozenStack)]
    public void Cached_codes_equal_a_fresh_forward_pass_through_the_assembled_encoder(PretrainingMode mode)
    {
        TorchRuntime.SetSeed(11);
        TensorDataset data = mnist.First(300);
        var cached = new List<(int Layer, Tensor Codes)>();
        LayerwisePretrainingResult result = LayerwisePretrainer.Pretrain(data, Options(mode, epochs: 1), (k, codes) => cached.Add((k, codes.clone())));
        using DenseAutoencoder model = result.Model;

        Assert.Equal([0, 1], cached.Select(c => c.Layer));
        foreach ((int layer, Tensor codes) in cached)
        {
            using Tensor fresh = LayerwisePretrainer.EncodeThrough(model, data.Features, layer + 1);
            Assert.Equal(fresh.shape, codes.shape);
            Assert.True(fresh.equal(codes).all().item<bool>(), $"cached codes of layer {layer + 1} differ from a fresh pass by up to {(fresh - codes).abs().max().item<float>():G3}");
            codes.Dispose();
        }
    }

    [Fact]
    public void Separate_mode_assembles_encoders_in_order_and_decoders_in_reverse()
    {
        // With one epoch per layer, the deep model's code must equal running the data through every
        // pretrained encoder in order, and its reconstruction must differ from a fresh model's.
        TorchRuntime.SetSeed(13);
        TensorDataset data = mnist.First(256);
        LayerwisePretrainingOptions options = Options(PretrainingMode.SeparateAutoencoders, epochs: 1) with { Layers = [784, 32, 8] };
        LayerwisePretrainingResult result = LayerwisePretrainer.Pretrain(data, options);
        using DenseAutoencoder model = result.Model;
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            model.eval();
            Tensor viaModel = model.Encode(data.Features);
            Tensor viaLayers = LayerwisePretrainer.EncodeThrough(model, data.Features, 2);
            Assert.True(viaModel.allclose(viaLayers, rtol: 0, atol: 1e-6));
            Assert.Equal([Activation.Sigmoid, Activation.Sigmoid], result.Config.DecoderActivations!);
        }
    }

    [Fact]
    public void Optional_end_to_end_fine_tuning_lowers_the_loss_further()
    {
        TorchRuntime.SetSeed(17);
        TensorDataset data = mnist.First(512);
        LayerwisePretrainingOptions options = Options(PretrainingMode.SeparateAutoencoders, epochs: 1) with
        {
            FineTune = new TrainerOptions { Epochs = 2, BatchSize = 64, Progress = ProgressMode.Silent, Optimizer = new OptimizerOptions { LearningRate = 1e-3 } },
        };
        LayerwisePretrainingResult result = LayerwisePretrainer.Pretrain(data, options);
        using DenseAutoencoder model = result.Model;
        Assert.NotNull(result.FineTuneHistory);
        Assert.Equal(2, result.FineTuneHistory!.Epochs.Count);
        Assert.True(result.FineTuneHistory.Epochs[1].Train["loss"] < result.FineTuneHistory.Epochs[0].Train["loss"]);
    }
}
