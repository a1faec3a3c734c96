using AutoEncoders.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Models.Convolutional;

public sealed class ConvGradientTests
{
    [Theory]
    [InlineData(16, 8, 14)]
    [InlineData(16, 1, 28)]
    [InlineData(8, 8, 7)]
    public void Conv2d_gradients_in_float32_match_float64(int inChannels, int outChannels, int size)
    {
        // With oneDNN's AVX2 and AVX-512 kernels, libtorch 2.10 got the input gradient of these convolutions (the
        // Keras model's) wrong by 60-100% or NaN on AMD EPYC machines; TorchRuntime caps oneDNN at AVX before
        // libtorch makes its first kernel.
        TorchRuntime.EnsureLoaded();
        Assert.False(string.IsNullOrEmpty(TorchRuntime.OneDnnIsa));
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(1);
        Tensor x = torch.rand([64, inChannels, size, size], generator: generator);
        Tensor w = torch.randn([outChannels, inChannels, 3, 3], generator: generator) * 0.1;
        Tensor gradOut = torch.randn([64, outChannels, size, size], generator: generator);

        for (int repeat = 0; repeat < 3; repeat++)
        {
            Tensor x32 = x.clone().requires_grad_(true);
            Tensor w32 = w.clone().requires_grad_(true);
            nn.functional.conv2d(x32, w32, padding: [1, 1]).backward([gradOut]);
            Tensor x64 = x.to_type(ScalarType.Float64).requires_grad_(true);
            Tensor w64 = w.to_type(ScalarType.Float64).requires_grad_(true);
            nn.functional.conv2d(x64, w64, padding: [1, 1]).backward([gradOut.to_type(ScalarType.Float64)]);

            double inputError = RelativeError(x32.grad!, x64.grad!);
            double weightError = RelativeError(w32.grad!, w64.grad!);
            Assert.True(inputError < 1e-4, $"float32 conv2d input gradient is off by {inputError:G3} of its largest value (oneDNN ISA cap {TorchRuntime.OneDnnIsa})");
            Assert.True(weightError < 1e-4, $"float32 conv2d weight gradient is off by {weightError:G3} of its largest value");
        }
    }

    private static double RelativeError(Tensor single, Tensor reference) =>
        (single.to_type(ScalarType.Float64) - reference).abs().max().nan_to_num(1e30).item<double>() / reference.abs().max().item<double>();
}
