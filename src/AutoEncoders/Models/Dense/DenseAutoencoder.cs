using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Dense;

/// <summary>
/// Fully connected autoencoder built from a <see cref="DenseAutoencoderConfig"/>. Inputs of any sample shape are
/// flattened; reconstructions come back in the input's shape. With tied weights the decoder has no weight
/// matrices of its own: layer L computes h W_{N-L+1} + b_L with the encoder's W (Vincent et al., 2010).
/// </summary>
public sealed class DenseAutoencoder : Autoencoder
{
    private readonly DenseAutoencoderConfig _config;
    private readonly ModuleList<Linear> _encoder = new();
    private readonly ModuleList<Linear> _decoder = new();
    private readonly ParameterList _tiedDecoderBiases = new();
    private readonly ModuleList<BatchNorm1d> _encoderNorms = new();
    private readonly ModuleList<BatchNorm1d> _decoderNorms = new();
    private readonly Dropout? _dropout;

    /// <summary>Builds the layers of <paramref name="config"/> with PyTorch's default initialisation.</summary>
    public DenseAutoencoder(DenseAutoencoderConfig config)
        : base("dense_autoencoder")
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        IReadOnlyList<int> enc = config.Layers;
        IReadOnlyList<int> dec = config.EffectiveDecoderLayers;
        for (int i = 0; i < enc.Count - 1; i++)
        {
            _encoder.Add(nn.Linear(enc[i], enc[i + 1]));
            if (config.BatchNorm && i < enc.Count - 2)
            {
                _encoderNorms.Add(nn.BatchNorm1d(enc[i + 1]));
            }
        }

        for (int i = 0; i < dec.Count - 1; i++)
        {
            if (config.TiedWeights)
            {
                _tiedDecoderBiases.Add(new Parameter(torch.zeros(dec[i + 1])));
            }
            else
            {
                _decoder.Add(nn.Linear(dec[i], dec[i + 1]));
            }

            if (config.BatchNorm && i < dec.Count - 2)
            {
                _decoderNorms.Add(nn.BatchNorm1d(dec[i + 1]));
            }
        }

        register_module("encoder", _encoder);
        if (config.TiedWeights)
        {
            register_module("decoder_bias", _tiedDecoderBiases);
        }
        else
        {
            register_module("decoder", _decoder);
        }

        if (config.BatchNorm)
        {
            register_module("encoder_norm", _encoderNorms);
            register_module("decoder_norm", _decoderNorms);
        }

        if (config.Dropout > 0)
        {
            _dropout = nn.Dropout(config.Dropout);
            register_module("dropout", _dropout);
        }
    }

    /// <inheritdoc />
    public override ModelConfig Config => _config;

    /// <summary>Number of encoder (and decoder) affine layers.</summary>
    public int EncoderDepth => _encoder.Count;

    /// <summary>Encoder layer <paramref name="i"/> (0 is next to the input).</summary>
    public Linear EncoderLayer(int i) => _encoder[i];

    /// <summary>
    /// The weight [out, in] decoder layer <paramref name="i"/> uses: its own, or with tied weights a transposed view
    /// of the mirrored encoder weight (same storage).
    /// </summary>
    public Tensor DecoderWeight(int i) =>
        _config.TiedWeights ? _encoder[_encoder.Count - 1 - i].weight!.t() : _decoder[i].weight!;

    /// <summary>Bias of decoder layer <paramref name="i"/>.</summary>
    public Tensor DecoderBias(int i) => _config.TiedWeights ? _tiedDecoderBiases[i] : _decoder[i].bias!;

    /// <inheritdoc />
    public override AutoencoderOutput forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor x = input.reshape(input.shape[0], -1);
        var hidden = new List<HiddenActivation>(_encoder.Count);
        Tensor code = RunEncoder(x, hidden);
        (Tensor output, Tensor logits) = RunDecoder(code);
        return new AutoencoderOutput
        {
            Reconstruction = output.reshape(input.shape),
            Logits = _config.DecoderActivation(_encoder.Count - 1) == Activation.Sigmoid ? logits.reshape(input.shape) : null,
            Code = code,
            Hidden = hidden,
        };
    }

    /// <inheritdoc />
    public override Tensor Encode(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return RunEncoder(input.reshape(input.shape[0], -1), hidden: null);
    }

    /// <inheritdoc />
    public override Tensor Decode(Tensor code)
    {
        ArgumentNullException.ThrowIfNull(code);
        using var scope = torch.NewDisposeScope();
        return RunDecoder(code).Output.MoveToOuterDisposeScope();
    }

    private Tensor RunEncoder(Tensor x, List<HiddenActivation>? hidden)
    {
        Tensor h = x;
        int last = _encoder.Count - 1;
        for (int i = 0; i <= last; i++)
        {
            Linear layer = _encoder[i];
            Tensor z = layer.forward(h);
            bool normalised = _config.BatchNorm && i < last;
            if (normalised)
            {
                z = _encoderNorms[i].forward(z);
            }

            if (i == last && training && _config.CodeNoise > 0)
            {
                z = z + (torch.randn_like(z) * _config.CodeNoise);
            }

            Activation activation = _config.EncoderActivation(i);
            Tensor a = ActivationFunction.Apply(activation, z);
            if (i == last && _config.Sparsity is not null)
            {
                a = _config.Sparsity.Apply(a, training);
            }

            hidden?.Add(new HiddenActivation($"encoder.{i}", h, z, a, activation, normalised ? null : layer.weight));
            h = i < last && _dropout is not null ? _dropout.forward(a) : a;
        }

        return h;
    }

    private (Tensor Output, Tensor Logits) RunDecoder(Tensor code)
    {
        Tensor h = code;
        int last = _encoder.Count - 1;
        Tensor z = h;
        for (int i = 0; i <= last; i++)
        {
            z = _config.TiedWeights
                ? nn.functional.linear(h, DecoderWeight(i), _tiedDecoderBiases[i])
                : _decoder[i].forward(h);
            if (_config.BatchNorm && i < last)
            {
                z = _decoderNorms[i].forward(z);
            }

            h = ActivationFunction.Apply(_config.DecoderActivation(i), z);
            if (i < last && _dropout is not null)
            {
                h = _dropout.forward(h);
            }
        }

        return (h, z);
    }
}
