/// The demo lab's import file: a byte-for-byte copy of `examples/lab-import.csv` (a test keeps them
/// equal; `\r` keeps the file's CRLF line ends), so that `tld demo` runs wherever the binary is
/// installed. Every name and national ID in it is made up.
enum DemoImportFile {
    static let text = """
customer_number,customer_name,company_id,delivery_address,contact_name,contact_email,wearer_name,national_id,dosimeter_type,period,change_day,start_date,end_date\r
K-1001,"Strålehospitalet Aarhus, Nuklearmedicin",31415926,"Strålevej 1
Indgang 4, 8200 Aarhus N",Søren Ørum,straalehygiejne@example.dk,"Andersen, Anna",010180-1001,whole-body,1m,1,2027-01-01,\r
K-1001,"Strålehospitalet Aarhus, Nuklearmedicin",31415926,"Strålevej 1
Indgang 4, 8200 Aarhus N",Søren Ørum,straalehygiejne@example.dk,"Bøgh, Bo",020281-1002,whole-body,1m,1,2027-01-01,\r
K-1001,"Strålehospitalet Aarhus, Nuklearmedicin",31415926,"Strålevej 1
Indgang 4, 8200 Aarhus N",Søren Ørum,straalehygiejne@example.dk,"Dahl, Dorte",030382-1004,whole-body,3m,15,2027-01-15,\r
K-1001,"Strålehospitalet Aarhus, Nuklearmedicin",31415926,"Strålevej 1
Indgang 4, 8200 Aarhus N",Søren Ørum,straalehygiejne@example.dk,"Dahl, Dorte",030382-1004,finger,2w,1,2027-01-01,2027-06-30\r
K-1001,"Strålehospitalet Aarhus, Nuklearmedicin",31415926,"Strålevej 1
Indgang 4, 8200 Aarhus N",Søren Ørum,straalehygiejne@example.dk,"Ærø, Erik",040483-1005,whole-body,3m,15,2026-10-15,\r
K-1001,"Strålehospitalet Aarhus, Nuklearmedicin",31415926,"Strålevej 1
Indgang 4, 8200 Aarhus N",Søren Ørum,straalehygiejne@example.dk,"Frølund, Freja",050585-1006,finger,1m,1,2027-02-01,\r
K-1001,"Strålehospitalet Aarhus, Nuklearmedicin",31415926,"Strålevej 1
Indgang 4, 8200 Aarhus N",Søren Ørum,straalehygiejne@example.dk,"Gram, Gustav",060690-1007,shoulder,1m,1,2027-01-01,\r
K-1001,"Strålehospitalet Aarhus, Nuklearmedicin",31415926,"Strålevej 1
Indgang 4, 8200 Aarhus N",Søren Ørum,straalehygiejne@example.dk,"Holm, Hanne",070701-4008,whole-body,1m,15,2027-01-15,\r
K-1001,"Strålehospitalet Aarhus, Nuklearmedicin",31415926,"Strålevej 1
Indgang 4, 8200 Aarhus N",Søren Ørum,straalehygiejne@example.dk,"Iversen, Ib",080875-1009,whole-body,1m,1,2026-11-01,2027-03-31\r
K-1001,"Strålehospitalet Aarhus, Nuklearmedicin",31415926,"Strålevej 1
Indgang 4, 8200 Aarhus N",Søren Ørum,straalehygiejne@example.dk,"Østergaard, Lars",091068-1010,whole-body,3m,15,2027-01-15,\r
K-1002,"Tandklinikken ""Smil"" Østerbro ApS",27182818,"Ågade 12, 2100 København Ø",Åse Lærke Bøgh,klinik@smil.example.dk,"Jensen, Mette",101079-1011,whole-body,3m,15,2027-01-15,\r
K-1002,"Tandklinikken ""Smil"" Østerbro ApS",27182818,"Ågade 12, 2100 København Ø",Åse Lærke Bøgh,klinik@smil.example.dk,"Kjær, Karen",111195-1012,whole-body,3m,15,2027-01-15,\r
K-1002,"Tandklinikken ""Smil"" Østerbro ApS",27182818,"Ågade 12, 2100 København Ø",Åse Lærke Bøgh,klinik@smil.example.dk,"Lund, Lasse",121203-4013,whole-body,1m,1,2027-02-01,\r
K-1002,"Tandklinikken ""Smil"" Østerbro ApS",27182818,"Ågade 12, 2100 København Ø",Åse Lærke Bøgh,klinik@smil.example.dk,"Mølgaard, Maja",130172-1014,whole-body,3m,15,2027-01-15,2027-12-31\r
K-1002,"Tandklinikken ""Smil"" Østerbro ApS",27182818,"Ågade 12, 2100 København Ø",Åse Lærke Bøgh,klinik@smil.example.dk,"Aagaard, Aase",140266-1015,whole-body,1m,1,2027-01-01,\r
K-1003,Nordisk Røntgenkontrol A/S,16180339,"Industrivej 7, 6700 Esbjerg",Jens Æbeltoft,ndt@roentgenkontrol.example.dk,"Nielsen, Niels",150377-1016,whole-body,1m,1,2027-01-01,\r
K-1003,Nordisk Røntgenkontrol A/S,16180339,"Industrivej 7, 6700 Esbjerg",Jens Æbeltoft,ndt@roentgenkontrol.example.dk,"Nielsen, Niels",150377-1016,neutron,3m,15,2027-01-15,\r
K-1003,Nordisk Røntgenkontrol A/S,16180339,"Industrivej 7, 6700 Esbjerg",Jens Æbeltoft,ndt@roentgenkontrol.example.dk,"Olsen, Ole",160488-1017,whole-body,1m,1,2027-01-01,\r
K-1003,Nordisk Røntgenkontrol A/S,16180339,"Industrivej 7, 6700 Esbjerg",Jens Æbeltoft,ndt@roentgenkontrol.example.dk,"Olsen, Ole",160488-1017,neutron,1m,1,2027-01-01,\r
K-1003,Nordisk Røntgenkontrol A/S,16180339,"Industrivej 7, 6700 Esbjerg",Jens Æbeltoft,ndt@roentgenkontrol.example.dk,"Pedersen, Pia",170599-1018,whole-body,1m,15,2027-01-15,\r
K-1003,Nordisk Røntgenkontrol A/S,16180339,"Industrivej 7, 6700 Esbjerg",Jens Æbeltoft,ndt@roentgenkontrol.example.dk,"Quist, Ulla",180605-4019,finger,2w,1,2027-01-01,\r
K-1003,Nordisk Røntgenkontrol A/S,16180339,"Industrivej 7, 6700 Esbjerg",Jens Æbeltoft,ndt@roentgenkontrol.example.dk,"Rasmussen, Rikke",190792-1020,neutron,3m,15,2027-01-15,\r

"""
}
