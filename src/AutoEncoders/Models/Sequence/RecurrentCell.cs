namespace AutoEncoders.Models.Sequence;

/// <summary>The recurrent layer of a <see cref="SequenceAutoencoder"/>.</summary>
public enum RecurrentCell
{
    /// <summary>Long short-term memory (Hochreiter and Schmidhuber, 1997).</summary>
    Lstm,

    /// <summary>Gated recurrent unit (Cho et al., 2014): fewer parameters, often as good.</summary>
    Gru,
}
