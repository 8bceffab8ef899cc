import re, pytest
from samla.accounts.tests.test_administration import *
@pytest.mark.parametrize("changes", [{"first_name": "x"*10000},{"username":"vera hansson"},{"password":"kort"},{"password":"vägledare"},{"email":"inte-en-adress"}])
def test_probe(client, cast, changes):
    sign_in(client, cast.ada)
    body = client.post(NEW, new_user_data(cast, **changes)).content.decode()
    print(re.findall(r'<ul class="errorlist"[^>]*>.*?</ul>', body, re.S))
