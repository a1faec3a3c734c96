using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Sequence;

/// <summary>
/// A unidirectional, batch-first <see cref="LSTM"/> run as a loop over time steps with its own weights, computing
/// what nn.LSTM computes (Hochreiter and Schmidhuber 1997, PyTorch's gate order i, f, g, o):
/// gates = x W_ih^T + b_ih + h W_hh^T + b_hh; c' = sigmoid(f) c + sigmoid(i) tanh(g); h' = sigmoid(o) tanh(c').
/// On CPU, libtorch 2.10's LSTM kernel is about four times slower than this loop at the sequence autoencoder's sizes
/// (140 steps, batch 64, 64 units: bench/AutoEncoders.Bench/LstmUnrollProbe.cs): here the input projection of all
/// steps is one matmul (and a repeated input, as the decoder reads, is projected once), each step is one matmul for
/// the four gates, and the per-step inputs come from unbind, whose backward is one stack (a select per step would
/// make a full-size zero gradient per step). Results agree with nn.LSTM to float rounding.
/// </summary>
internal static class LstmLoop
{
    /// <summary>
    /// True when the loop computes exactly what <paramref name="lstm"/> would: CPU, one direction, biases, and no
    /// dropout between layers in training (that needs nn.LSTM's own random stream).
    /// </summary>
    public static bool Supports(LSTM lstm, Tensor input, int layers, bool bidirectional, double dropout, bool training) =>
        input.device_type == DeviceType.CPU && !bidirectional && (layers == 1 || dropout == 0 || !training)
        && lstm.named_parameters().Count() == 4 * layers;

    /// <summary>Runs <paramref name="lstm"/> over <paramref name="series"/> [B, T, F]: every step's top-layer output [B, T, H] and the top layer's last hidden state [B, H].</summary>
    public static (Tensor Output, Tensor LastHidden) Run(LSTM lstm, Tensor series, int layers)
    {
        ArgumentNullException.ThrowIfNull(lstm);
        ArgumentNullException.ThrowIfNull(series);
        Dictionary<string, Parameter> p = Parameters(lstm);
        long steps = series.shape[1];
        Tensor output = series;
        Tensor last = series;
        for (int layer = 0; layer < layers; layer++)
        {
            (output, last) = Layer(p, layer, output, repeated: null, steps);
        }

        return (output, last);
    }

    /// <summary>Runs <paramref name="lstm"/> over <paramref name="code"/> [B, F] repeated at each of <paramref name="steps"/> steps (Keras's RepeatVector).</summary>
    public static (Tensor Output, Tensor LastHidden) RunRepeated(LSTM lstm, Tensor code, long steps, int layers)
    {
        ArgumentNullException.ThrowIfNull(lstm);
        ArgumentNullException.ThrowIfNull(code);
        Dictionary<string, Parameter> p = Parameters(lstm);
        (Tensor output, Tensor last) = Layer(p, 0, series: null, repeated: code, steps);
        for (int layer = 1; layer < layers; layer++)
        {
            (output, last) = Layer(p, layer, output, repeated: null, steps);
        }

        return (output, last);
    }

    private static Dictionary<string, Parameter> Parameters(LSTM lstm) =>
        lstm.named_parameters().ToDictionary(n => n.name, n => n.parameter);

    private static (Tensor Output, Tensor LastHidden) Layer(Dictionary<string, Parameter> p, int layer, Tensor? series, Tensor? repeated, long steps)
    {
        Tensor wih = p[$"weight_ih_l{layer}"], whh = p[$"weight_hh_l{layer}"];
        Tensor bias = p[$"bias_ih_l{layer}"] + p[$"bias_hh_l{layer}"];
        long hidden = whh.shape[1];
        Tensor[] perStep = [];
        Tensor? constant = null;
        long batch;
        if (repeated is not null)
        {
            batch = repeated.shape[0];
            constant = torch.addmm(bias, repeated, wih.t(), 1, 1);
        }
        else
        {
            batch = series!.shape[0];
            Tensor projected = torch.addmm(bias, series.reshape(batch * steps, series.shape[2]), wih.t(), 1, 1);
            perStep = projected.reshape(batch, steps, 4 * hidden).unbind(1);
        }

        Tensor whhT = whh.t();
        Tensor h = torch.zeros(batch, hidden, dtype: whh.dtype, device: whh.device);
        Tensor c = torch.zeros(batch, hidden, dtype: whh.dtype, device: whh.device);
        var outputs = new Tensor[steps];
        for (long t = 0; t < steps; t++)
        {
            Tensor gates = torch.addmm(constant ?? perStep[t], h, whhT, 1, 1);
            Tensor[] g = gates.chunk(4, 1);
            c = torch.addcmul(g[1].sigmoid() * c, g[0].sigmoid(), g[2].tanh(), 1);
            h = g[3].sigmoid() * c.tanh();
            outputs[t] = h;
        }

        return (torch.stack(outputs, 1), h);
    }
}
