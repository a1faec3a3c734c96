using AutoEncoders.Models;
using AutoEncoders.Models.Sequence;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Interop.Onnx;

/// <summary>
/// ONNX form of the <see cref="SequenceAutoencoder"/>: ONNX's LSTM and GRU operators (time-major, one node per
/// stacked layer, "bidirectional" for a bidirectional encoder), the top layer's final hidden states joined as the
/// code (forward then backward, as the model joins them), the optional bottleneck, the code repeated at every step
/// (Unsqueeze and Expand), the decoder, the reversal of its output when the model decodes last step first (Slice
/// with step -1) and the per-step output layer. PyTorch orders an LSTM's gates i, f, g, o and a GRU's r, z, n;
/// ONNX wants i, o, f, c and z, r, h, so the weight blocks are reordered. A GRU's candidate applies the reset gate
/// after the recurrent product in PyTorch: ONNX's linear_before_reset = 1.
/// </summary>
internal sealed class SequenceOnnxGraphs : OnnxModelGraphs
{
    private static readonly long[] LstmOrder = [0, 3, 1, 2];
    private static readonly long[] GruOrder = [1, 0, 2];

    private readonly SequenceAutoencoderConfig _config;

    /// <summary>Reads a sequence autoencoder.</summary>
    public SequenceOnnxGraphs(SequenceAutoencoder model)
        : base(model) => _config = (SequenceAutoencoderConfig)model.Config;

    private bool Lstm => _config.Cell == RecurrentCell.Lstm;

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, string Value, long[] Shape)> Encoder(OnnxGraphBuilder graph, string input)
    {
        string series = graph.Node("Transpose", [input], OnnxAttribute.Ints("perm", 1, 0, 2));
        string lastHidden = Stack(graph, "encoder", series, _config.Layers, _config.HiddenSize, _config.Bidirectional).LastHidden;

        // Y_h [directions, B, H] to [B, directions * H]: forward then backward for each row.
        string state = graph.Node("Reshape", [graph.Node("Transpose", [lastHidden], OnnxAttribute.Ints("perm", 1, 0, 2)), graph.Int64s("shape", 0, -1)]);
        string code = _config.CodeSize is null
            ? state
            : OnnxLayers.Activate(graph, _config.CodeActivation, OnnxLayers.Linear(graph, State, "bottleneck", state));
        return [("code", code, [CodeSize])];
    }

    /// <inheritdoc />
    public override string Decoder(OnnxGraphBuilder graph, string code)
    {
        // [B, C] to [T, B, C]: the same code at every step.
        string repeated = graph.Node("Expand", [graph.Node("Unsqueeze", [code, graph.Int64s("axes", 0)]), graph.Int64s("steps", _config.SequenceLength, 1, 1)]);
        string decoded = Stack(graph, "decoder", repeated, _config.EffectiveDecoderLayers, _config.EffectiveDecoderHiddenSize, bidirectional: false).Output;
        if (_config.ReverseDecoder)
        {
            decoded = graph.Node("Slice", [decoded, graph.Int64s("starts", -1), graph.Int64s("ends", long.MinValue), graph.Int64s("axes", 0), graph.Int64s("step", -1)]);
        }

        string batchFirst = graph.Node("Transpose", [decoded], OnnxAttribute.Ints("perm", 1, 0, 2));
        Tensor weight = OnnxLayers.Get(State, "output.weight");
        string projected = graph.Node("MatMul", [batchFirst, graph.Weight("output.weight_transposed", weight.t())]);
        string z = graph.Node("Add", [projected, graph.Weight("output.bias", OnnxLayers.Get(State, "output.bias"))]);
        return OnnxLayers.Activate(graph, _config.OutputActivation, z);
    }

    // Stacked recurrent layers on time-major [T, B, in]: returns the top layer's outputs [T, B, directions * H] and its
    // final hidden states [directions, B, H].
    private (string Output, string LastHidden) Stack(OnnxGraphBuilder graph, string module, string x, int layers, int hidden, bool bidirectional)
    {
        string h = x;
        string last = x;
        for (int layer = 0; layer < layers; layer++)
        {
            string[] suffixes = bidirectional ? [$"l{layer}", $"l{layer}_reverse"] : [$"l{layer}"];
            string w = graph.Weight($"{module}.W{layer}", Directions(module, "weight_ih", suffixes));
            string r = graph.Weight($"{module}.R{layer}", Directions(module, "weight_hh", suffixes));
            string b = graph.Weight($"{module}.B{layer}", Biases(module, suffixes));
            OnnxAttribute[] attributes = Lstm
                ? [OnnxAttribute.Int("hidden_size", hidden), OnnxAttribute.String("direction", bidirectional ? "bidirectional" : "forward")]
                : [OnnxAttribute.Int("hidden_size", hidden), OnnxAttribute.String("direction", bidirectional ? "bidirectional" : "forward"), OnnxAttribute.Int("linear_before_reset", 1)];
            string[] outputs = graph.Node(Lstm ? "LSTM" : "GRU", [h, w, r, b], Lstm ? 3 : 2, attributes);

            // Y [T, directions, B, H] to [T, B, directions * H], the next layer's input.
            h = graph.Node("Reshape", [graph.Node("Transpose", [outputs[0]], OnnxAttribute.Ints("perm", 0, 2, 1, 3)), graph.Int64s("shape", 0, 0, -1)]);
            last = outputs[1];
        }

        return (h, last);
    }

    private Tensor Directions(string module, string name, string[] suffixes)
    {
        using var scope = torch.NewDisposeScope();
        return torch.stack(suffixes.Select(s => Reorder(OnnxLayers.Get(State, $"{module}.{name}_{s}"))).ToArray()).MoveToOuterDisposeScope();
    }

    // ONNX's B is [directions, W_b then R_b], each in ONNX's gate order.
    private Tensor Biases(string module, string[] suffixes)
    {
        using var scope = torch.NewDisposeScope();
        return torch.stack(suffixes.Select(s => torch.cat([Reorder(OnnxLayers.Get(State, $"{module}.bias_ih_{s}")), Reorder(OnnxLayers.Get(State, $"{module}.bias_hh_{s}"))])).ToArray()).MoveToOuterDisposeScope();
    }

    private Tensor Reorder(Tensor gates)
    {
        long[] order = Lstm ? LstmOrder : GruOrder;
        Tensor[] blocks = gates.chunk(order.Length, 0);
        return torch.cat(order.Select(i => blocks[i]).ToArray());
    }
}
