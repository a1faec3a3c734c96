using AutoEncoders.Models;
using AutoEncoders.Models.Sequence;
using AutoEncoders.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Models.Sequence;

public sealed class LstmLoopTests
{
    [Theory]
    [InlineData(1, 1, 5)]
    [InlineData(2, 3, 6)]
    public void The_model_computes_what_nn_LSTM_computes_with_the_same_weights(int layers, int features, int hidden)
    {
        // Reference: the same encoder and decoder modules called as nn.LSTM (the path the loop replaces), then the
        // same reverse and per-step linear layer; outputs and every gradient must agree to float rounding.
        TorchRuntime.SetSeed(3);
        var config = new SequenceAutoencoderConfig { SequenceLength = 12, Features = features, HiddenSize = hidden, Layers = layers };
        using var model = (SequenceAutoencoder)config.Build();
        model.train();
        using var scope = torch.NewDisposeScope();
        Tensor series = torch.randn(4, 12, features);
        var modules = model.named_children().ToDictionary(c => c.name, c => c.module);
        var encoder = (LSTM)modules["encoder"];
        var decoder = (LSTM)modules["decoder"];
        var output = (Linear)modules["output"];
        Assert.True(LstmLoop.Supports(encoder, series, layers, bidirectional: false, dropout: 0, training: true));

        AutoencoderOutput result = model.forward(series);
        (result.Reconstruction.square().sum() + result.Code.sum()).backward();
        Dictionary<string, Tensor> loopGrads = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        model.zero_grad();

        (_, Tensor h, _) = encoder.call(series);
        Tensor code = h[layers - 1];
        (Tensor decoded, _, _) = decoder.call(code.unsqueeze(1).expand(4, 12, hidden));
        Tensor reference = output.call(decoded.flip(1));
        (reference.square().sum() + code.sum()).backward();

        Assert.True(result.Code.allclose(code, rtol: 1e-5, atol: 1e-6));
        Assert.True(result.Reconstruction.allclose(reference, rtol: 1e-5, atol: 1e-6));
        Assert.True(reference.abs().max().item<float>() > 0.01f);
        foreach ((string name, Parameter parameter) in model.named_parameters())
        {
            Tensor expected = parameter.grad!;
            Assert.True(expected.abs().max().item<float>() > 0, $"{name}: no gradient in the reference");
            Assert.True(loopGrads[name].allclose(expected, rtol: 1e-4, atol: 1e-5), $"{name}: gradients differ by up to {(loopGrads[name] - expected).abs().max().item<float>()}");
        }
    }

    [Fact]
    public void Dropout_between_layers_in_training_and_bidirectional_encoders_keep_nn_LSTM()
    {
        using var lstm = nn.LSTM(2, 3, 2, batchFirst: true, dropout: 0.5);
        using Tensor x = torch.randn(1, 4, 2);
        Assert.False(LstmLoop.Supports(lstm, x, 2, bidirectional: false, dropout: 0.5, training: true));
        Assert.True(LstmLoop.Supports(lstm, x, 2, bidirectional: false, dropout: 0.5, training: false));
        Assert.False(LstmLoop.Supports(lstm, x, 2, bidirectional: true, dropout: 0, training: false));
    }
}
