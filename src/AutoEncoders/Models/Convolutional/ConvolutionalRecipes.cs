using AutoEncoders.Data;
using AutoEncoders.Objectives;
using AutoEncoders.Objectives.Corruptions;
using AutoEncoders.Training;

namespace AutoEncoders.Models.Convolutional;

/// <summary>
/// Seed recipes for convolutional autoencoders on 28x28 grey images (Fashion-MNIST by default), as in Keras's
/// "Building autoencoders in Keras" (Chollet, 2016). The same recipes ship as JSON files in recipes/.
/// </summary>
public static class ConvolutionalRecipes
{
    /// <summary>
    /// (a) Keras's convolutional autoencoder, 3,217 parameters: Conv(16, 3x3, same, relu) - MaxPool(2) -
    /// Conv(8, 3x3, same, relu) - MaxPool(2) to an 8x7x7 code; Conv(8) - Up(2) - Conv(16) - Up(2) -
    /// Conv(1, sigmoid) back. Height and width must be multiples of 4.
    /// </summary>
    public static ConvolutionalAutoencoderConfig KerasModel(int channels = 1, int height = 28, int width = 28) => new()
    {
        Channels = channels,
        Height = height,
        Width = width,
        Encoder =
        [
            new Conv2dSpec { Filters = 16, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Relu },
            new MaxPool2dSpec { KernelSize = 2 },
            new Conv2dSpec { Filters = 8, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Relu },
            new MaxPool2dSpec { KernelSize = 2 },
        ],
        Decoder =
        [
            new Conv2dSpec { Filters = 8, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Relu },
            new UpsampleSpec { ScaleFactor = 2 },
            new Conv2dSpec { Filters = 16, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Relu },
            new UpsampleSpec { ScaleFactor = 2 },
            new Conv2dSpec { Filters = channels, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Sigmoid },
        ],
    };

    /// <summary>
    /// (b) Strided convolutions instead of pooling, transposed convolutions instead of up-sampling, 17,825
    /// parameters: 28 -(3x3, s2, p1)-> 14 -(3x3, s2, p1)-> 7 -(2x2, s2)-> 3 (a 32x3x3 code), then back with
    /// output_padding 1 at each step: 3 -(2x2, s2)-> 7 -(3x3, s2, p1)-> 14 -(3x3, s2, p1)-> 28.
    /// </summary>
    public static ConvolutionalAutoencoderConfig StridedModel(int channels = 1) => new()
    {
        Channels = channels,
        Height = 28,
        Width = 28,
        Encoder =
        [
            new Conv2dSpec { Filters = 16, KernelSize = 3, Stride = 2, Padding = 1, Activation = Activation.Relu },
            new Conv2dSpec { Filters = 32, KernelSize = 3, Stride = 2, Padding = 1, Activation = Activation.Relu },
            new Conv2dSpec { Filters = 32, KernelSize = 2, Stride = 2, Padding = 0, Activation = Activation.Relu },
        ],
        Decoder =
        [
            new ConvTranspose2dSpec { Filters = 32, KernelSize = 2, Stride = 2, OutputPadding = 1, Activation = Activation.Relu },
            new ConvTranspose2dSpec { Filters = 16, KernelSize = 3, Stride = 2, Padding = 1, OutputPadding = 1, Activation = Activation.Relu },
            new ConvTranspose2dSpec { Filters = channels, KernelSize = 3, Stride = 2, Padding = 1, OutputPadding = 1, Activation = Activation.Sigmoid },
        ],
    };

    /// <summary>
    /// (d) Model (a) with max-unpooling in place of up-sampling: each unpooling puts values back where its pooling
    /// layer found the maxima (pool1/pool2 pairs), 3,217 parameters.
    /// </summary>
    public static ConvolutionalAutoencoderConfig UnpoolingModel(int channels = 1, int height = 28, int width = 28) => new()
    {
        Channels = channels,
        Height = height,
        Width = width,
        Encoder =
        [
            new Conv2dSpec { Filters = 16, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Relu },
            new MaxPool2dSpec { Name = "pool1", KernelSize = 2 },
            new Conv2dSpec { Filters = 8, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Relu },
            new MaxPool2dSpec { Name = "pool2", KernelSize = 2 },
        ],
        Decoder =
        [
            new Conv2dSpec { Filters = 8, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Relu },
            new MaxUnpool2dSpec { Name = "unpool2", Pool = "pool2" },
            new Conv2dSpec { Filters = 16, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Relu },
            new MaxUnpool2dSpec { Name = "unpool1", Pool = "pool1" },
            new Conv2dSpec { Filters = channels, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Sigmoid },
        ],
    };

    /// <summary>(a) as a recipe: binary cross-entropy, Adam 1e-3, batch 128.</summary>
    public static Recipe Keras(int epochs = 10) => Create("conv-keras", "Keras's convolutional autoencoder (3,217 parameters), binary cross-entropy.", KerasModel(), null, epochs);

    /// <summary>(b) as a recipe.</summary>
    public static Recipe Strided(int epochs = 10) => Create("conv-strided", "Strided convolutions down, transposed convolutions (output_padding 1) up.", StridedModel(), null, epochs);

    /// <summary>(c) model (a) trained as a denoising autoencoder: inputs get x + 0.5 N(0, 1), clipped to [0, 1]; the target stays clean.</summary>
    public static Recipe Denoising(int epochs = 10) => Create("conv-denoising", "Keras's convolutional denoising autoencoder: model (a), Gaussian noise factor 0.5.", KerasModel(), new GaussianNoise { Factor = 0.5 }, epochs);

    /// <summary>(d) as a recipe.</summary>
    public static Recipe Unpooling(int epochs = 10) => Create("conv-unpool", "Pooling indices reused by max-unpooling in the decoder.", UnpoolingModel(), null, epochs);

    private static Recipe Create(string name, string description, ConvolutionalAutoencoderConfig model, Corruption? corruption, int epochs) => new()
    {
        Name = name,
        Description = description,
        Model = model,
        Objective = new Objective { Reconstruction = new BinaryCrossEntropy(), Corruption = corruption },
        Training = new TrainerOptions { Epochs = epochs, BatchSize = 128, Seed = 1, Optimizer = new OptimizerOptions { LearningRate = 1e-3 } },
        Data = new DataSource { Dataset = "fashion-mnist" },
    };
}
