using AutoEncoders.Interop.Onnx;
using AutoEncoders.Models;
using AutoEncoders.Models.Adversarial;
using AutoEncoders.Models.Convolutional;
using AutoEncoders.Models.Dense;
using AutoEncoders.Models.Sequence;
using AutoEncoders.Models.Sparsity;
using AutoEncoders.Models.Variational;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Interop;

/// <summary>
/// Every model kind, trained for a few batches on real MNIST digits, exported to ONNX and run in ONNX Runtime on a
/// real batch: each file's outputs agree with TorchSharp's within <see cref="Tolerance"/>, the files pass
/// Debian's onnx checker (full_check), and their names, shapes and metadata follow docs/onnx.md.
/// </summary>
public sealed class OnnxExportTests : IClassFixture<MnistFixture>
{
    /// <summary>The largest absolute difference allowed between ONNX Runtime and TorchSharp (docs/onnx.md).</summary>
    private const float Tolerance = 1e-5f;

    private const int Batch = 16;

    private readonly MnistFixture _mnist;

    public OnnxExportTests(MnistFixture mnist) => _mnist = mnist;

    public static TheoryData<string> Kinds =>
    [
        "dense",
        "dense-activations",
        "dense-tied-batchnorm-ksparse",
        "adversarial",
        "vae",
        "conv-keras",
        "conv-strided-batchnorm-bilinear",
        "conv-unpool",
        "conv-vae",
        "sequence-lstm-bidirectional-stacked",
        "sequence-gru-bidirectional-stacked",
        "wae",
    ];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Exported_files_compute_what_the_model_computes(string kind)
    {
        torch.manual_seed(7);
        using Autoencoder model = Build(kind);
        Tensor x = Inputs(model.Config.InputShape, 0);
        TrainBriefly(model, model.Config.InputShape);
        model.eval();
        using var temp = new TempDirectory();
        IReadOnlyList<string> paths = OnnxExporter.Export(model, temp.Path);

        Assert.Equal(string.Empty, OnnxRuntimeRun.Check([.. paths]));
        long[] shape = x.shape;
        float[] input = x.data<float>().ToArray();
        using var noGrad = torch.no_grad();

        var encoded = OnnxRuntimeRun.Run(temp.File(OnnxExporter.EncoderFile), ("input", input, shape));
        Tensor code = model.Encode(x).reshape(Batch, -1);
        AssertClose(code, encoded["code"], $"{kind} encoder code");
        if (model is VariationalModel variational)
        {
            (Tensor mean, Tensor logVariance) = variational.Posterior(x);
            AssertClose(mean, encoded["mean"], $"{kind} encoder mean");
            AssertClose(logVariance, encoded["log_variance"], $"{kind} encoder log-variance");
        }

        Assert.Equal(OnnxExporter.DecoderRefusal(model) is null, File.Exists(temp.File(OnnxExporter.DecoderFile)));
        Assert.Equal(kind == "conv-unpool", !File.Exists(temp.File(OnnxExporter.DecoderFile)));

        if (File.Exists(temp.File(OnnxExporter.DecoderFile)))
        {
            var decoded = OnnxRuntimeRun.Run(temp.File(OnnxExporter.DecoderFile), ("code", code.data<float>().ToArray(), code.shape));
            AssertClose(model.Decode(code), decoded["reconstruction"], $"{kind} decoder");
        }

        var reconstructed = OnnxRuntimeRun.Run(temp.File(OnnxExporter.AutoencoderFile), ("input", input, shape));
        AssertClose(model.Reconstruct(x), reconstructed["reconstruction"], $"{kind} autoencoder");

        Dictionary<string, string> metadata = OnnxRuntimeRun.Metadata(temp.File(OnnxExporter.EncoderFile));
        Assert.Equal("1", metadata["ae.format"]);
        Assert.Equal("encoder", metadata["ae.part"]);
        Assert.Equal($"[{string.Join(",", model.Config.InputShape)}]", metadata["ae.input_shape"]);
        Assert.Equal(code.shape[1].ToString(System.Globalization.CultureInfo.InvariantCulture), metadata["ae.code_size"]);
        Assert.Contains("\"kind\"", metadata["ae.config"], StringComparison.Ordinal);
        (Dictionary<string, int[]> inputs, Dictionary<string, int[]> outputs) = OnnxRuntimeRun.Signature(temp.File(OnnxExporter.AutoencoderFile));
        Assert.Equal([-1, .. model.Config.InputShape.Select(d => (int)d)], inputs["input"]);
        Assert.Equal([-1, .. model.Config.InputShape.Select(d => (int)d)], outputs["reconstruction"]);
    }

    [Fact]
    public void A_model_without_an_onnx_form_is_refused_naming_it_and_nothing_is_written()
    {
        using var model = new PassThrough();
        using var temp = new TempDirectory();
        string target = temp.File("onnx");

        var refusal = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(model, target));

        Assert.Equal("ONNX export: model PassThrough has no ONNX form.", refusal.Message);
        Assert.False(Directory.Exists(target));
    }

    private static Autoencoder Build(string kind) => kind switch
    {
        "dense" => new DenseAutoencoderConfig { Layers = [784, 64, 16] }.Build(),
        "dense-activations" => new DenseAutoencoderConfig
        {
            Layers = [784, 48, 32, 16],
            EncoderActivations = [Activation.Elu, Activation.LeakyRelu, Activation.Tanh],
            DecoderActivations = [Activation.Relu, Activation.Linear, Activation.Sigmoid],
            Dropout = 0.2,
        }.Build(),
        "dense-tied-batchnorm-ksparse" => new DenseAutoencoderConfig
        {
            Layers = [784, 64, 32],
            TiedWeights = true,
            BatchNorm = true,
            Activation = Activation.Sigmoid,
            Sparsity = new KSparse { K = 5, InferenceK = 8 },
        }.Build(),
        "adversarial" => new AdversarialAutoencoderConfig { Layers = [784, 64, 8], DiscriminatorLayers = [16] }.Build(),
        "vae" => new VariationalAutoencoderConfig { Layers = [784, 64, 8], Activation = Activation.Tanh }.Build(),
        "wae" => new AutoEncoders.Models.Wasserstein.WassersteinAutoencoderConfig { Layers = [784, 64, 8], BatchNorm = true }.Build(),
        "conv-keras" => ConvolutionalRecipes.KerasModel().Build(),
        "conv-strided-batchnorm-bilinear" => new ConvolutionalAutoencoderConfig
        {
            Encoder =
            [
                new Conv2dSpec { Filters = 4, KernelSize = 3, Stride = 2, Padding = ConvPadding.Same, Activation = Activation.Elu },
                new BatchNorm2dSpec(),
                new ActivationSpec { Function = Activation.LeakyRelu },
                new MaxPool2dSpec { KernelSize = 3, Stride = 2, CeilMode = true },
            ],
            Decoder =
            [
                new ConvTranspose2dSpec { Filters = 4, KernelSize = 3, Stride = 2, Padding = 1, OutputPadding = 1, Activation = Activation.Relu },
                new UpsampleSpec { ScaleFactor = 2, Mode = UpsamplingMode.Bilinear },
                new Conv2dSpec { Filters = 1, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Sigmoid, Bias = false },
            ],
        }.Build(),
        "conv-unpool" => new ConvolutionalAutoencoderConfig
        {
            // Model (d) of ConvolutionalRecipes, with a padded, overlapping first pooling window.
            Encoder =
            [
                new Conv2dSpec { Filters = 4, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Relu },
                new MaxPool2dSpec { Name = "pool1", KernelSize = 3, Stride = 2, Padding = 1 },
                new Conv2dSpec { Filters = 4, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Relu },
                new MaxPool2dSpec { Name = "pool2", KernelSize = 2 },
            ],
            Decoder =
            [
                new Conv2dSpec { Filters = 4, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Relu },
                new MaxUnpool2dSpec { Pool = "pool2" },
                new Conv2dSpec { Filters = 4, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Relu },
                new MaxUnpool2dSpec { Pool = "pool1" },
                new Conv2dSpec { Filters = 1, KernelSize = 3, Padding = ConvPadding.Same, Activation = Activation.Sigmoid },
            ],
        }.Build(),
        "conv-vae" => new ConvolutionalVariationalAutoencoderConfig
        {
            Encoder = [new Conv2dSpec { Filters = 4, KernelSize = 3, Stride = 2, Padding = 1, Activation = Activation.Relu }],
            LatentSize = 8,
            DecoderInput = [4, 14, 14],
            Decoder = [new ConvTranspose2dSpec { Filters = 1, KernelSize = 3, Stride = 2, Padding = 1, OutputPadding = 1, Activation = Activation.Sigmoid }],
            Parameterization = SpreadParameterization.Sigma,
        }.Build(),
        "sequence-lstm-bidirectional-stacked" => new SequenceAutoencoderConfig
        {
            SequenceLength = 28,
            Features = 28,
            Cell = RecurrentCell.Lstm,
            HiddenSize = 8,
            Layers = 2,
            Bidirectional = true,
            CodeSize = 6,
            CodeActivation = Activation.Tanh,
            DecoderHiddenSize = 10,
            Dropout = 0.1,
            OutputActivation = Activation.Sigmoid,
        }.Build(),
        "sequence-gru-bidirectional-stacked" => new SequenceAutoencoderConfig
        {
            SequenceLength = 28,
            Features = 28,
            Cell = RecurrentCell.Gru,
            HiddenSize = 8,
            Layers = 2,
            Bidirectional = true,
            DecoderLayers = 1,
            ReverseDecoder = false,
        }.Build(),
        _ => throw new ArgumentException(kind),
    };

    private Tensor Inputs(long[] sampleShape, long offset)
    {
        Tensor rows = _mnist.Test.Features.slice(0, offset, offset + Batch, 1);
        return rows.reshape([Batch, .. sampleShape]).contiguous();
    }

    // A few Adam steps on the reconstruction error, so batch-norm statistics and weights are no longer their initial values.
    private void TrainBriefly(Autoencoder model, long[] sampleShape)
    {
        model.train();
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-2);
        for (int step = 0; step < 3; step++)
        {
            using var scope = torch.NewDisposeScope();
            Tensor x = Inputs(sampleShape, Batch * (step + 1));
            optimizer.zero_grad();
            Tensor loss = (model.forward(x).Reconstruction - x).square().mean();
            loss.backward();
            optimizer.step();
        }
    }

    private static void AssertClose(Tensor expected, (float[] Values, long[] Shape) actual, string what)
    {
        Assert.Equal(expected.shape, actual.Shape);
        float[] e = expected.contiguous().data<float>().ToArray();
        float max = e.Zip(actual.Values, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(max <= Tolerance, $"{what}: max |ONNX Runtime - TorchSharp| = {max:G3} > {Tolerance:G3}");
    }

    // An autoencoder the exporter does not know: its layers have no ONNX form.
    private sealed class PassThrough : Autoencoder
    {
        public PassThrough()
            : base("pass_through") => RegisterComponents();

        public override ModelConfig Config { get; } = new DenseAutoencoderConfig { Layers = [4, 4] };

        public override Tensor Encode(Tensor input) => input.alias();

        public override Tensor Decode(Tensor code) => code.alias();

        public override AutoencoderOutput forward(Tensor input) => new() { Reconstruction = input.alias(), Code = input.alias() };
    }
}
