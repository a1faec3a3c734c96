using System.Text.Json;
using AutoEncoders.Models;
using AutoEncoders.Models.Convolutional;
using AutoEncoders.Objectives;
using AutoEncoders.Objectives.Corruptions;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Models.Convolutional;

public sealed class ConvolutionalAutoencoderTests
{
    public ConvolutionalAutoencoderTests() => TorchRuntime.EnsureLoaded();

    /// <summary>Every layer kind, on an RGB image that is neither square nor a power of two.</summary>
    private static ConvolutionalAutoencoderConfig EveryLayerKind() => new()
    {
        Channels = 3,
        Height = 21,
        Width = 34,
        Encoder =
        [
            new Conv2dSpec { Filters = 6, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Relu },
            new BatchNorm2dSpec(),
            new MaxPool2dSpec { Name = "pool", KernelSize = 2, CeilMode = true },
            new Conv2dSpec { Filters = 8, KernelSize = 3, Stride = 2, Padding = ConvPadding.Same },
            new ActivationSpec { Function = Activation.Elu },
        ],
        Decoder =
        [
            new ConvTranspose2dSpec { Filters = 6, KernelSize = 3, Stride = 2, Padding = 1, OutputPadding = 0, Activation = Activation.Tanh },
            new MaxUnpool2dSpec(),
            new UpsampleSpec { ScaleFactor = 2, Mode = UpsamplingMode.Bilinear },
            new Conv2dSpec { Filters = 3, KernelSize = 3, Stride = 2, Padding = 1 },
            new ActivationSpec { Function = Activation.Sigmoid },
        ],
    };

    [Fact]
    public void Shapes_through_every_layer_kind_match_the_spec_arithmetic()
    {
        TorchRuntime.SetSeed(3);
        ConvolutionalAutoencoderConfig config = EveryLayerKind();
        using var model = (ConvolutionalAutoencoder)config.Build();

        // 21x34: same conv keeps it; ceil-mode pool 11x17; same stride-2 conv ceil(11/2) x ceil(17/2) = 6x9;
        // transposed (6-1)*2-2+3 = 11, (9-1)*2-2+3 = 17; unpool back to the pool's input 21x34; bilinear x2 42x68;
        // conv k3 s2 p1 back to 21x34.
        long[][] expected =
        [
            [3, 21, 34], [6, 21, 34], [6, 21, 34], [6, 11, 17], [8, 6, 9], [8, 6, 9],
            [6, 11, 17], [6, 21, 34], [6, 42, 68], [3, 21, 34], [3, 21, 34],
        ];
        IReadOnlyList<ConvLayerShape> inferred = config.LayerShapes();
        Assert.Equal(expected.Length, inferred.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], inferred[i].Shape);
        }

        using Tensor images = torch.rand(2, 3, 21, 34);
        IReadOnlyList<ModelSummaryRow> traced = model.TraceLayers(images);
        Assert.Equal(expected.Skip(1).Select(s => string.Join(",", s)), traced.Select(r => string.Join(",", r.OutputShape)));
        Assert.Equal(new long[] { 8, 6, 9 }, config.CodeShape);
        Assert.Equal(["conv2d", "batch_norm2d", "max_pool2d", "conv2d", "activation", "conv_transpose2d", "max_unpool2d", "upsample", "conv2d", "activation"],
            inferred.Skip(1).Select(r => r.Type));
    }

    [Fact]
    public void Forward_accepts_images_and_flattened_rows_and_returns_the_input_shape()
    {
        TorchRuntime.SetSeed(4);
        using var model = (ConvolutionalAutoencoder)EveryLayerKind().Build();
        model.eval();
        using var scope = torch.NewDisposeScope();
        Tensor images = torch.rand(2, 3, 21, 34);
        AutoencoderOutput fromImages = model.forward(images);
        AutoencoderOutput fromRows = model.forward(images.reshape(2, -1));

        Assert.Equal(images.shape, fromImages.Reconstruction.shape);
        Assert.Equal(new long[] { 2, 3 * 21 * 34 }, fromRows.Reconstruction.shape);
        Assert.True(fromRows.Reconstruction.allclose(fromImages.Reconstruction.reshape(2, -1)));
        Assert.Equal(new long[] { 2, 8, 6, 9 }, fromImages.Code.shape);

        // A sigmoid activation layer at the end exposes its input as logits for a stable BCE.
        Assert.NotNull(fromImages.Logits);
        Assert.True(fromImages.Logits!.sigmoid().allclose(fromImages.Reconstruction, rtol: 1e-5, atol: 1e-6));

        // Encoder layers are exposed for activity penalties, without weight matrices.
        Assert.Equal(5, fromImages.Hidden.Count);
        Assert.All(fromImages.Hidden, h => Assert.Null(h.Weight));
        Assert.Same(fromImages.Code, fromImages.CodeLayer!.Output);
        Assert.Equal(Activation.Relu, fromImages.Hidden[0].Activation);
        Assert.NotNull(fromImages.Hidden[0].PreActivation);

        var ex = Assert.Throws<ArgumentException>(() => model.forward(torch.rand(2, 100)));
        Assert.Contains("[B, 3, 21, 34] or rows [B, 2142]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Max_unpooling_puts_each_maximum_back_where_it_came_from()
    {
        var config = new ConvolutionalAutoencoderConfig
        {
            Channels = 1,
            Height = 4,
            Width = 4,
            Encoder = [new MaxPool2dSpec { Name = "p", KernelSize = 2 }],
            Decoder = [new MaxUnpool2dSpec { Pool = "p" }],
        };
        using var model = (ConvolutionalAutoencoder)config.Build();
        Assert.Equal(0, model.ParameterCount);
        float[] pixels =
        [
            1, 5, 0, 2,
            3, 2, 9, 1,
            7, 0, 4, 4.5f,
            6, 8, 3, 2,
        ];
        using var scope = torch.NewDisposeScope();
        Tensor input = torch.tensor(pixels, [1, 1, 4, 4]);
        AutoencoderOutput output = model.forward(input);
        float[] expected =
        [
            0, 5, 0, 0,
            0, 0, 9, 0,
            0, 0, 0, 4.5f,
            0, 8, 0, 0,
        ];
        Assert.Equal(new float[] { 5, 9, 8, 4.5f }, output.Code.flatten().data<float>().ToArray());
        Assert.Equal(expected, output.Reconstruction.flatten().data<float>().ToArray());
        Assert.True(model.DecoderNeedsEncoderIndices);
        var refused = Assert.Throws<InvalidOperationException>(() => model.Decode(output.Code));
        Assert.Contains("max_unpool2d", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_spec_that_cannot_return_to_the_input_size_is_refused_before_building_with_the_shapes()
    {
        // Keras's model on 30x30: 30 -> 15 -> 7 (15/2 rounds down) -> 14 -> 28, not 30.
        ConvolutionalAutoencoderConfig config = ConvolutionalRecipes.KerasModel(height: 30, width: 30);
        var ex = Assert.Throws<ArgumentException>(config.Validate);
        string message = ex.Message;
        Assert.Contains("the decoder returns [1, 28, 28] but the input is [1, 30, 30]", message, StringComparison.Ordinal);
        Assert.Contains("first diverge at decoder.1 (upsample): it gives 14x14 where the mirrored level, the input of encoder.3, was 15x15", message, StringComparison.Ordinal);
        Assert.Matches(@"encoder\.3 \(max_pool2d\) +\[8, 7, 7\] +<- 15x15 / 2 rounds down to 7x7\n", message);
        Assert.Matches(@"decoder\.1 \(upsample\) +\[8, 14, 14\] +<- diverges: 14x14 where the mirrored level was 15x15\n", message);
        Assert.Throws<ArgumentException>(() => new ConvolutionalAutoencoder(config));

        // The same refusal reaches a recipe file before any training starts.
        Recipe recipe = ConvolutionalRecipes.Keras() with { Model = config };
        var fromFile = Assert.Throws<InvalidDataException>(() => Recipe.Parse(recipe.ToJson(), "bad.json"));
        Assert.StartsWith("bad.json: model (convolutional):", fromFile.Message, StringComparison.Ordinal);

        // Wrong channel count at the end, and a kernel larger than its input.
        var channels = ConvolutionalRecipes.KerasModel() with { Channels = 3 };
        Assert.Contains("end the decoder with a layer of 3 filter(s)", Assert.Throws<ArgumentException>(channels.Validate).Message, StringComparison.Ordinal);
        var tiny = new ConvolutionalAutoencoderConfig
        {
            Height = 4,
            Width = 4,
            Encoder = [new Conv2dSpec { Filters = 2, KernelSize = 5 }],
            Decoder = [new ConvTranspose2dSpec { Filters = 1, KernelSize = 5 }],
        };
        Assert.Contains("encoder.0 (conv2d) cannot be applied: its 5x5 kernel does not fit the padded 4x4 input", Assert.Throws<ArgumentException>(tiny.Validate).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keras_recipe_has_3217_parameters_and_its_summary_matches_keras()
    {
        TorchRuntime.SetSeed(5);
        using Autoencoder model = ConvolutionalRecipes.KerasModel().Build();
        Assert.Equal(3217, model.ParameterCount);

        ModelSummary summary = ModelSummary.Of(model);

        // Keras's model.summary() for the same network (channels-last there): layer, output shape, parameters.
        (string Type, long[] Shape, long Parameters)[] keras =
        [
            ("Input", [1, 28, 28], 0),
            ("Conv2d+relu", [16, 28, 28], 160),
            ("MaxPool2d", [16, 14, 14], 0),
            ("Conv2d+relu", [8, 14, 14], 1160),
            ("MaxPool2d", [8, 7, 7], 0),
            ("Conv2d+relu", [8, 7, 7], 584),
            ("Upsample", [8, 14, 14], 0),
            ("Conv2d+relu", [16, 14, 14], 1168),
            ("Upsample", [16, 28, 28], 0),
            ("Conv2d+sigmoid", [1, 28, 28], 145),
        ];
        Assert.Equal(keras.Length, summary.Rows.Count);
        for (int i = 0; i < keras.Length; i++)
        {
            Assert.Equal(keras[i].Type, summary.Rows[i].Type);
            Assert.Equal(keras[i].Shape, summary.Rows[i].OutputShape);
            Assert.Equal(keras[i].Parameters, summary.Rows[i].Parameters);
        }

        Assert.Equal(3217, summary.TotalParameters);
        Assert.Equal(0, summary.NonTrainableParameters);
        string table = summary.Format();
        Assert.Contains(" encoder.0 (Conv2d+relu)", table, StringComparison.Ordinal);
        Assert.Contains("(None, 16, 28, 28)", table, StringComparison.Ordinal);
        Assert.Contains("Total params: 3,217\n", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_recipes_have_the_documented_sizes()
    {
        Assert.Equal(new long[] { 32, 3, 3 }, ConvolutionalRecipes.StridedModel().CodeShape);
        Assert.Equal(new long[] { 8, 7, 7 }, ConvolutionalRecipes.UnpoolingModel().CodeShape);
        using Autoencoder strided = ConvolutionalRecipes.StridedModel().Build();
        using Autoencoder unpool = ConvolutionalRecipes.UnpoolingModel().Build();
        using Autoencoder rgb = ConvolutionalRecipes.KerasModel(channels: 3, height: 32, width: 32).Build();
        Assert.Equal(17825, strided.ParameterCount);
        Assert.Equal(3217, unpool.ParameterCount);

        // RGB: the first convolution sees 3 channels (3*9*16 + 16) and the last returns 3 (16*9*3 + 3).
        Assert.Equal(3217 - 160 - 145 + 448 + 435, rgb.ParameterCount);
        using Tensor colour = torch.rand(2, 3, 32, 32);
        using Tensor back = rgb.Reconstruct(colour);
        Assert.Equal(colour.shape, back.shape);

        Objective denoising = ConvolutionalRecipes.Denoising().Objective;
        Assert.Equal(0.5, Assert.IsType<GaussianNoise>(denoising.Corruption).Factor);
        Assert.IsType<BinaryCrossEntropy>(denoising.Reconstruction);
        Assert.Equal(JsonSerializer.Serialize(ConvolutionalRecipes.Keras().Model, JsonDefaults.Options), JsonSerializer.Serialize(ConvolutionalRecipes.Denoising().Model, JsonDefaults.Options));
    }

    [Fact]
    public void Config_round_trips_through_json_with_layer_types_and_same_padding()
    {
        ModelConfig config = ConvolutionalRecipes.UnpoolingModel();
        string json = JsonSerializer.Serialize(config, JsonDefaults.Options);
        Assert.Contains("\"kind\": \"convolutional\"", json, StringComparison.Ordinal);
        Assert.Contains("\"type\": \"max_unpool2d\"", json, StringComparison.Ordinal);
        Assert.Contains("\"padding\": \"same\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("typeName", json, StringComparison.Ordinal);
        Assert.DoesNotContain("effectiveStride", json, StringComparison.Ordinal);
        Assert.DoesNotContain("outputActivation", json, StringComparison.Ordinal);
        var back = (ConvolutionalAutoencoderConfig)JsonSerializer.Deserialize<ModelConfig>(json, JsonDefaults.Options)!;
        Assert.Equal(json, JsonSerializer.Serialize<ModelConfig>(back, JsonDefaults.Options));
        Assert.Equal("pool2", ((MaxUnpool2dSpec)back.Decoder[1]).Pool);

        const string Written = """{"kind": "convolutional", "height": 8, "width": 8, "encoder": [{"type": "conv2d", "filters": 4, "padding": 1, "stride": 2}], "decoder": [{"type": "upsample", "mode": "bilinear"}, {"type": "conv2d", "filters": 1, "padding": "same", "activation": "sigmoid"}]}""";
        var parsed = (ConvolutionalAutoencoderConfig)JsonSerializer.Deserialize<ModelConfig>(Written, JsonDefaults.Options)!;
        parsed.Validate();
        Assert.Equal(1, ((Conv2dSpec)parsed.Encoder[0]).Padding.Amount);
        Assert.Equal(UpsamplingMode.Bilinear, ((UpsampleSpec)parsed.Decoder[0]).Mode);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ModelConfig>(Written.Replace("\"padding\": 1", "\"padding\": \"full\"", StringComparison.Ordinal), JsonDefaults.Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ModelConfig>(Written.Replace("conv2d", "conv3d", StringComparison.Ordinal), JsonDefaults.Options));
    }

}
