using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Convolutional;
using AutoEncoders.Objectives;
using AutoEncoders.Objectives.Corruptions;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using AutoEncoders.Training.Pretraining;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Training;

public sealed class ConvolutionalLayerwisePretrainerTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private static readonly ConvPadding Same = ConvPadding.Same;

    /// <summary>Stage 1: conv 16 + pool / up + conv 1 sigmoid; stage 2 on the 16x14x14 codes: conv 8 + pool / up + conv 16 relu.</summary>
    private static ConvolutionalStackSpec TwoStages(IReadOnlyList<ConvLayerSpec>? stage2Decoder = null) => new()
    {
        Stages =
        [
            new ConvolutionalStage
            {
                Encoder = [new Conv2dSpec { Filters = 16, Padding = Same, Activation = Activation.Relu }, new MaxPool2dSpec()],
                Decoder = [new UpsampleSpec(), new Conv2dSpec { Filters = 1, Padding = Same, Activation = Activation.Sigmoid }],
            },
            new ConvolutionalStage
            {
                Name = "features",
                Encoder = [new Conv2dSpec { Filters = 8, Padding = Same, Activation = Activation.Relu }, new MaxPool2dSpec()],
                Decoder = stage2Decoder ?? [new UpsampleSpec(), new Conv2dSpec { Filters = 16, Padding = Same, Activation = Activation.Relu }],
            },
        ],
    };

    /// <summary>Batch norm in stage 1's encoder (running statistics to copy) and in its decoder (frozen while stage 2 trains).</summary>
    private static ConvolutionalStackSpec WithBatchNorm() => new()
    {
        Stages =
        [
            new ConvolutionalStage
            {
                Encoder = [new Conv2dSpec { Filters = 8, Padding = Same }, new BatchNorm2dSpec(), new ActivationSpec { Function = Activation.Relu }, new MaxPool2dSpec()],
                Decoder = [new UpsampleSpec(), new Conv2dSpec { Filters = 1, Padding = Same }, new BatchNorm2dSpec(), new ActivationSpec { Function = Activation.Sigmoid }],
            },
            new ConvolutionalStage
            {
                Encoder = [new Conv2dSpec { Filters = 4, Padding = Same, Activation = Activation.Relu }, new MaxPool2dSpec()],
                Decoder = [new UpsampleSpec(), new Conv2dSpec { Filters = 8, Padding = Same, Activation = Activation.Relu }],
            },
        ],
    };

    private static PretrainingLayer Stage(LossTerm reconstruction, int epochs, int seed, Corruption? corruption = null) => new()
    {
        Objective = new Objective { Reconstruction = reconstruction, Corruption = corruption },
        Training = new TrainerOptions { Epochs = epochs, BatchSize = 64, Seed = seed, Progress = ProgressMode.Silent, Optimizer = new OptimizerOptions { LearningRate = 3e-3 } },
    };

    [Fact]
    public void The_deep_model_has_the_stage_encoders_in_order_and_the_stage_decoders_in_reverse()
    {
        ConvolutionalStackSpec stack = TwoStages();
        ConvolutionalAutoencoderConfig config = stack.DeepConfig();

        Assert.Equal([16L, 14, 14], stack.StageInputShape(1));
        Assert.Equal([8L, 7, 7], stack.StageInputShape(2));
        Assert.Equal(
            ["[1, 28, 28]", "[16, 28, 28]", "[16, 14, 14]", "[8, 14, 14]", "[8, 7, 7]", "[8, 14, 14]", "[16, 14, 14]", "[16, 28, 28]", "[1, 28, 28]"],
            config.LayerShapes().Select(r => r.ShapeText));
        Assert.Equal(["conv2d", "max_pool2d", "conv2d", "max_pool2d"], config.Encoder.Select(l => l.TypeName));
        Assert.Equal(16, ((Conv2dSpec)config.Decoder[1]).Filters);
        Assert.Equal(Activation.Sigmoid, config.OutputActivation);
        Assert.Equal(2, stack.DecoderOffset(0));
        Assert.Equal(0, stack.DecoderOffset(1));
        Assert.Equal("encoder.2.weight", stack.DeepKey(1, "encoder.0.weight"));
        Assert.Equal("decoder.3.bias", stack.DeepKey(0, "decoder.1.bias"));

        // 1*16*9+16 + 16*8*9+8 + 8*16*9+16 + 16*1*9+1 = 160 + 1,160 + 1,168 + 145.
        TorchRuntime.SetSeed(1);
        using Autoencoder deep = config.Build();
        Assert.Equal(2633, deep.ParameterCount);
        using Autoencoder stage2 = stack.StageConfig(1).Build();
        Assert.Equal(1160 + 1168, stage2.ParameterCount);
    }

    [Fact]
    public void A_stage_that_does_not_return_to_its_input_shape_is_refused_before_training_naming_the_stage()
    {
        ConvolutionalStackSpec bad = TwoStages([new UpsampleSpec(), new Conv2dSpec { Filters = 8, Padding = Same, Activation = Activation.Relu }]);
        var options = new LayerwisePretrainingOptions { Convolutional = bad, LayerSettings = [Stage(new MeanSquaredError(), 1, 1)] };

        ArgumentException e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.StartsWith("convolutional stack: stage 2 (features) takes [16, 14, 14] (the code of stage 1) and must return to that shape", e.Message, StringComparison.Ordinal);
        Assert.Contains("the decoder returns [8, 14, 14]", e.Message, StringComparison.Ordinal);

        TensorDataset data = mnist.First(64);
        ArgumentException again = Assert.Throws<ArgumentException>(() => ConvolutionalLayerwisePretrainer.Pretrain(data, options));
        Assert.Equal(e.Message, again.Message);

        // Frozen-stack mode cannot reconstruct through an outer decoder that un-pools with indices it never sees.
        ConvolutionalStackSpec unpooling = TwoStages() with
        {
            Stages = [TwoStages().Stages[0] with { Decoder = [new MaxUnpool2dSpec(), new Conv2dSpec { Filters = 1, Padding = Same, Activation = Activation.Sigmoid }] }, TwoStages().Stages[1]],
        };
        unpooling.Validate();

        // The unpooling pairs with its own stage's pooling layer, not with stage 2's (the latest one never unpooled).
        Assert.Equal("encoder.1", ((MaxUnpool2dSpec)unpooling.DeepConfig().Decoder[2]).Pool);
        var frozen = options with { Convolutional = unpooling, Mode = PretrainingMode.FrozenStack };
        Assert.Contains("stage 1 un-pools", Assert.Throws<ArgumentException>(frozen.Validate).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Separate_mode_copies_each_stage_so_the_deep_encoder_reproduces_the_cached_codes_exactly()
    {
        TorchRuntime.SetSeed(21);
        TensorDataset data = mnist.First(512);
        ConvolutionalStackSpec stack = WithBatchNorm();
        var options = new LayerwisePretrainingOptions
        {
            Convolutional = stack,
            LayerSettings = [Stage(new BinaryCrossEntropy(), 1, 1, new MaskingNoise { Fraction = 0.25 }), Stage(new MeanSquaredError(), 3, 2)],
        };
        var cached = new List<(int Stage, Tensor Codes)>();
        ConvolutionalPretrainingResult result = ConvolutionalLayerwisePretrainer.Pretrain(data, options, (k, codes) => cached.Add((k, codes.clone())));
        using ConvolutionalAutoencoder deep = result.Model;

        (int stage, Tensor codes) = Assert.Single(cached);
        Assert.Equal(0, stage);
        Assert.Equal([512L, 8, 14, 14], codes.shape);
        using Tensor fresh = ConvolutionalLayerwisePretrainer.EncodeThrough(deep, stack, data.Features, 0, 1);
        Assert.True(fresh.equal(codes).all().item<bool>(), $"the deep encoder's stage-1 codes differ from the cached ones by up to {(fresh - codes).abs().max().item<float>():G3}");
        codes.Dispose();

        // The copied batch norm carries the shallow model's running statistics, not the initial zeros and ones.
        Tensor runningMean = deep.named_buffers().Single(b => b.name == "encoder.1.running_mean").buffer;
        Assert.True(runningMean.abs().max().item<float>() > 1e-3);

        Assert.Equal(2, result.StageHistories.Count);
        IReadOnlyList<EpochRecord> stage2 = result.StageHistories[1].Epochs;
        Assert.Equal(3, stage2.Count);
        Assert.True(stage2[2].Train["loss"] < 0.8 * stage2[0].Train["loss"], $"stage-2 reconstruction error should fall: {stage2[0].Train["loss"]:G4} -> {stage2[2].Train["loss"]:G4}");
        Assert.Equal(result.Config, deep.Config);
    }

    [Fact]
    public void In_frozen_mode_everything_outside_the_stage_is_bit_identical_before_and_after_it()
    {
        TorchRuntime.SetSeed(23);
        TensorDataset data = mnist.First(256);
        ConvolutionalStackSpec stack = WithBatchNorm();
        using var deep = (ConvolutionalAutoencoder)stack.DeepConfig().Build();
        Tensor images = data.Features.reshape(-1, 1, 28, 28);
        ConvolutionalLayerwisePretrainer.TrainStackStage(deep, stack, 0, images, images, Stage(new BinaryCrossEntropy(), 1, 1));
        using Tensor cached = ConvolutionalLayerwisePretrainer.EncodeThrough(deep, stack, images, 0, 1);
        Dictionary<string, Tensor> before = deep.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());

        TrainingHistory history = ConvolutionalLayerwisePretrainer.TrainStackStage(deep, stack, 1, cached, images, Stage(new BinaryCrossEntropy(), 2, 2));

        // Stage 2 is encoder.4 (conv) and decoder.1 (conv) of the deep model; stage 1, batch-norm statistics of its
        // decoder included (they run in evaluation mode), must not move by a single bit.
        string[] trained = ["encoder.4.weight", "encoder.4.bias", "decoder.1.weight", "decoder.1.bias"];
        Dictionary<string, Tensor> after = deep.state_dict();
        Assert.Contains("decoder.4.running_var", before.Keys);
        foreach ((string name, Tensor value) in before)
        {
            bool identical = value.equal(after[name]).all().item<bool>();
            Assert.True(trained.Contains(name) ? !identical : identical, $"{name}: {(identical ? "unchanged although trained" : "changed although frozen")}");
        }

        Assert.All(deep.parameters(), p => Assert.True(p.requires_grad));
        Assert.True(history.Epochs[1].Train["loss"] < history.Epochs[0].Train["loss"]);
    }
}
