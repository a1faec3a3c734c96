using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Sequence;

/// <summary>
/// LSTM or GRU sequence-to-sequence autoencoder built from a <see cref="SequenceAutoencoderConfig"/>. Takes series
/// [B, T, F] (or rows [B, T*F]) and returns the reconstruction in the input's shape. The code is the encoder's last
/// hidden state (forward and backward joined when bidirectional), optionally through a linear bottleneck; the
/// decoder reads the code repeated at every step (Keras's RepeatVector) and a linear layer maps each step back to F
/// values.
/// </summary>
public sealed class SequenceAutoencoder : Autoencoder, ILayerSummarySource
{
    private readonly SequenceAutoencoderConfig _config;
    private readonly nn.Module _encoder;
    private readonly Linear? _bottleneck;
    private readonly nn.Module _decoder;
    private readonly Linear _output;

    /// <summary>Builds the layers of <paramref name="config"/> with PyTorch's default initialisation.</summary>
    public SequenceAutoencoder(SequenceAutoencoderConfig config)
        : base("sequence_autoencoder")
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        _encoder = Recurrent(config.Features, config.HiddenSize, config.Layers, config.Bidirectional);
        register_module("encoder", _encoder);
        int codeSize = config.EncoderStateSize;
        if (config.CodeSize is int size)
        {
            _bottleneck = nn.Linear(codeSize, size);
            register_module("bottleneck", _bottleneck);
            codeSize = size;
        }

        _decoder = Recurrent(codeSize, config.EffectiveDecoderHiddenSize, config.EffectiveDecoderLayers, bidirectional: false);
        register_module("decoder", _decoder);
        _output = nn.Linear(config.EffectiveDecoderHiddenSize, config.Features);
        register_module("output", _output);
    }

    /// <inheritdoc />
    public override ModelConfig Config => _config;

    /// <inheritdoc />
    public override AutoencoderOutput forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor series = ToSeries(input);
        var hidden = new List<HiddenActivation>(2);
        Tensor code = RunEncoder(series, hidden);
        (Tensor output, Tensor logits) = RunDecoder(code, series.shape[1]);
        return new AutoencoderOutput
        {
            Reconstruction = output.reshape(input.shape),
            Logits = _config.OutputActivation == Activation.Sigmoid ? logits.reshape(input.shape) : null,
            Code = code,
            Hidden = hidden,
        };
    }

    /// <inheritdoc />
    public override Tensor Encode(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        return RunEncoder(ToSeries(input), hidden: null).MoveToOuterDisposeScope();
    }

    /// <summary>Series [B, <see cref="SequenceAutoencoderConfig.SequenceLength"/>, F] decoded from codes [B, code size].</summary>
    public override Tensor Decode(Tensor code) => Decode(code, _config.SequenceLength);

    /// <summary>Series [B, <paramref name="steps"/>, F] decoded from codes [B, code size].</summary>
    public Tensor Decode(Tensor code, long steps)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        using var scope = torch.NewDisposeScope();
        return RunDecoder(code, steps).Output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Squared reconstruction error of every time step, averaged over the features: [B, T]. Where in a series the
    /// model fails to reconstruct it (Malhotra et al., 2016, score anomalies from these errors).
    /// </summary>
    public Tensor StepErrors(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        Tensor series = ToSeries(input);
        Tensor code = RunEncoder(series, hidden: null);
        Tensor reconstruction = RunDecoder(code, series.shape[1]).Output;
        return (reconstruction - series).square().mean([2]).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public IReadOnlyList<ModelSummaryRow> TraceLayers(Tensor sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = torch.NewDisposeScope();
        static long Count(nn.Module m) => m.parameters().Sum(p => p.numel());
        string cell = _config.Cell == RecurrentCell.Lstm ? "LSTM" : "GRU";
        Tensor series = ToSeries(sample);
        long steps = series.shape[1];
        Tensor state = LastState(series);
        var rows = new List<ModelSummaryRow>
        {
            new("encoder", $"{cell}{(_config.Bidirectional ? "(bidirectional)" : string.Empty)} x{_config.Layers}", state.shape[1..], Count(_encoder)),
        };
        Tensor code = state;
        if (_bottleneck is not null)
        {
            code = ActivationFunction.Apply(_config.CodeActivation, _bottleneck.call(state));
            string type = _config.CodeActivation == Activation.Linear ? "Linear" : $"Linear+{ActivationFunction.Name(_config.CodeActivation)}";
            rows.Add(new ModelSummaryRow("bottleneck", type, code.shape[1..], Count(_bottleneck)));
        }

        Tensor repeated = Repeat(code, steps);
        rows.Add(new ModelSummaryRow("repeat", "RepeatVector", repeated.shape[1..], 0));
        Tensor decoded = RunRecurrent(_decoder, repeated).Output;
        rows.Add(new ModelSummaryRow("decoder", $"{cell} x{_config.EffectiveDecoderLayers}", decoded.shape[1..], Count(_decoder)));
        Tensor output = _output.call(decoded);
        string outputType = _config.OutputActivation == Activation.Linear ? "Linear per step" : $"Linear per step+{ActivationFunction.Name(_config.OutputActivation)}";
        rows.Add(new ModelSummaryRow("output", outputType, output.shape[1..], Count(_output)));
        return rows;
    }

    private nn.Module Recurrent(long inputSize, long hiddenSize, long layers, bool bidirectional)
    {
        double dropout = layers > 1 ? _config.Dropout : 0;
        return _config.Cell == RecurrentCell.Lstm
            ? nn.LSTM(inputSize, hiddenSize, layers, batchFirst: true, dropout: dropout, bidirectional: bidirectional)
            : nn.GRU(inputSize, hiddenSize, layers, batchFirst: true, dropout: dropout, bidirectional: bidirectional);
    }

    private static (Tensor Output, Tensor LastHidden) RunRecurrent(nn.Module module, Tensor input)
    {
        if (module is LSTM lstm)
        {
            (Tensor output, Tensor h, Tensor _) = lstm.call(input);
            return (output, h);
        }

        (Tensor gruOutput, Tensor gruHidden) = ((GRU)module).call(input);
        return (gruOutput, gruHidden);
    }

    /// <summary>The top layer's final hidden state [B, H], forward and backward joined [B, 2H] when bidirectional.</summary>
    private Tensor LastState(Tensor series)
    {
        if (_encoder is LSTM lstm && LstmLoop.Supports(lstm, series, _config.Layers, _config.Bidirectional, _config.Dropout, training))
        {
            return LstmLoop.Run(lstm, series, _config.Layers).LastHidden;
        }

        Tensor h = RunRecurrent(_encoder, series).LastHidden;
        long top = h.shape[0] - 1;
        return _config.Bidirectional ? torch.cat([h[top - 1], h[top]], 1) : h[top];
    }

    private Tensor RunEncoder(Tensor series, List<HiddenActivation>? hidden)
    {
        Tensor state = LastState(series);
        hidden?.Add(new HiddenActivation("encoder", series, null, state, Activation.Linear, null));
        if (_bottleneck is null)
        {
            return state;
        }

        Tensor z = _bottleneck.call(state);
        Tensor code = ActivationFunction.Apply(_config.CodeActivation, z);
        hidden?.Add(new HiddenActivation("bottleneck", state, z, code, _config.CodeActivation, _bottleneck.weight));
        return code;
    }

    private (Tensor Output, Tensor Logits) RunDecoder(Tensor code, long steps)
    {
        if (code.dim() != 2 || code.shape[1] != _config.CodeShape[0])
        {
            throw new ArgumentException($"Codes must have shape [B, {_config.CodeShape[0]}]; found [{string.Join(", ", code.shape)}].", nameof(code));
        }

        // The LSTM decoder reads the same code at every step: the loop projects it once (see LstmLoop).
        int decoderLayers = _config.EffectiveDecoderLayers;
        Tensor decoded = _decoder is LSTM lstm && LstmLoop.Supports(lstm, code, decoderLayers, bidirectional: false, _config.Dropout, training)
            ? LstmLoop.RunRepeated(lstm, code, steps, decoderLayers).Output
            : RunRecurrent(_decoder, Repeat(code, steps)).Output;
        if (_config.ReverseDecoder)
        {
            decoded = decoded.flip(1);
        }

        Tensor z = _output.call(decoded);
        return (ActivationFunction.Apply(_config.OutputActivation, z), z);
    }

    private static Tensor Repeat(Tensor code, long steps) => code.unsqueeze(1).expand(code.shape[0], steps, code.shape[1]);

    private Tensor ToSeries(Tensor input)
    {
        long t = _config.SequenceLength, f = _config.Features;
        if (input.dim() == 3 && input.shape[2] == f && input.shape[1] >= 1)
        {
            return input;
        }

        if (input.dim() == 2 && input.shape[1] == t * f)
        {
            return input.reshape(input.shape[0], t, f);
        }

        throw new ArgumentException(
            $"The model takes series [B, T, {f}] or rows [B, {t * f}] ({t} steps of {f} feature(s)); the input has shape [{string.Join(", ", input.shape)}].", nameof(input));
    }
}
